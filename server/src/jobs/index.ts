import type { Sidecar } from '../sidecar';
import { provisionJob } from './provision';
import { createSessionJob } from './sessions';
import { changesJob } from './changes';
import { archiveJob } from './archive';
import { deleteJob } from './deleteTask';
import { restoreJob } from './restore';
import { purgeJob } from './purge';
import { DISK_JOB, diskUsageJob } from './diskUsage';
import { RETENTION_JOB, retentionJob } from './retention';
import { importJob } from './import';
import { installAgentJob } from './installAgent';
import { repoActionJob } from '../actions/job';
import { pullRequestsJob } from '../github/pullRequests';
import { OVERVIEW_JOB, PULL_REQUEST_JOB } from '../github/service';
import { POOL_JOB } from '../pool/pool';
import { restoreCheckpointJob } from '../checkpoints/restoreJob';

/** One handler per job kind. */
export function registerJobs(sc: Sidecar): void {
  sc.jobs.register('provision', provisionJob(sc));
  sc.jobs.register('create_session', createSessionJob(sc));
  sc.jobs.register('changes', changesJob(sc));
  sc.jobs.register('archive', archiveJob(sc));
  sc.jobs.register('delete', deleteJob(sc));
  sc.jobs.register('restore', restoreJob(sc));
  sc.jobs.register('purge', purgeJob(sc));
  sc.jobs.register(DISK_JOB, diskUsageJob(sc));
  sc.jobs.register(RETENTION_JOB, retentionJob(sc));
  sc.jobs.register('import', importJob(sc));
  sc.jobs.register('install_agent', installAgentJob(sc));
  sc.jobs.register('repo_action', repoActionJob(sc));
  sc.jobs.register(PULL_REQUEST_JOB, pullRequestsJob(sc));
  sc.jobs.register(OVERVIEW_JOB, sc.overviews.job());
  sc.jobs.register(POOL_JOB, sc.pool.job());
  sc.jobs.register('restore_checkpoint', restoreCheckpointJob(sc));
}
