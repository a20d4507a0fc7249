import { resolve } from 'node:path';
import type { Handlers } from './define';
import { IMPORT_SUBJECT } from '../jobs/import';

export const importHandlers: Pick<Handlers, 'ImportDatabases'> = {
  /** One import job per file not already queued (jobs/import.ts); they run one at a time. */
  ImportDatabases(sc, { databases }) {
    let queued = 0;
    sc.db.tx(() => {
      for (const file of new Set(databases.map((d) => resolve(d)))) {
        if (sc.store.openJobFor('import', file)) continue;
        sc.jobs.add('import', file, IMPORT_SUBJECT);
        queued++;
      }
    });
    return { queued };
  },
};
