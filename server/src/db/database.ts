/**
 * The sidecar's SQLite database: better-sqlite3 (synchronous, WAL, synchronous=NORMAL so a
 * committed row survives kill -9) with kysely as a type-checked query builder. Queries are
 * compiled by kysely and executed synchronously here, so a handler's write is one short,
 * atomic transaction on the main thread.
 */
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  DummyDriver,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
} from 'kysely';
import type { Database } from './schema';
import { migrations } from './migrations';
import { DatabaseStartError, openDatabase } from './open';
import { errorMessage } from '../errors';

const CHECKPOINT_EVERY = 500;

export class Db {
  readonly raw: BetterSqlite3.Database;
  /** Query builder only: never executes; `run`/`all`/`get` execute compiled queries. */
  readonly q: Kysely<Database>;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private writes = 0;
  /** Called every CHECKPOINT_EVERY write statements: time to checkpoint the WAL elsewhere. */
  onCheckpointDue: () => void = () => {};

  /** Throws DatabaseStartError (naming `file`) for a database it cannot use. */
  constructor(file: string) {
    this.raw = openDatabase(file, migrations.length);
    try {
      this.raw.pragma('journal_mode = WAL');
      this.raw.pragma('synchronous = NORMAL');
      this.raw.pragma('foreign_keys = ON');
      this.raw.pragma('busy_timeout = 5000');
      // Checkpoints run on the effects worker's connection (see effects/checkpoint.ts).
      this.raw.pragma('wal_autocheckpoint = 0');
      this.migrate();
    } catch (e) {
      this.raw.close();
      throw new DatabaseStartError(`Foundry's database could not be prepared (${errorMessage(e)}): ${file}`);
    }
    this.q = new Kysely<Database>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
    });
  }

  private migrate(): void {
    const current = this.raw.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < migrations.length; v++) {
      this.raw.transaction(() => {
        this.raw.exec(migrations[v]);
        this.raw.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /**
   * A statement on a hot path (one per streamed agent update), built and compiled by kysely once,
   * then only bound: `build`'s query must take exactly its arguments as parameters, in order
   * (checked on the first call).
   */
  hot<A extends unknown[], R>(build: (...args: A) => Compilable<R>): { get(...args: A): R | undefined; all(...args: A): R[]; run(...args: A): void } {
    let stmt: BetterSqlite3.Statement | undefined;
    const prepared = (args: A): BetterSqlite3.Statement => {
      if (stmt) return stmt;
      const { sql, parameters } = build(...args).compile();
      if (parameters.length !== args.length || parameters.some((p, i) => p !== args[i])) {
        throw new Error(`a hot statement's parameters must be its arguments, in order: ${sql}`);
      }
      return (stmt = this.raw.prepare(sql));
    };
    return {
      get: (...args) => prepared(args).get(...args) as R | undefined,
      all: (...args) => prepared(args).all(...args) as R[],
      run: (...args) => {
        prepared(args).run(...args);
        this.wrote();
      },
    };
  }

  /**
   * `UPDATE table SET <the patch's columns> WHERE id = ?`, prepared once per table and set of
   * columns: the hot path's updates (a session's status, a task's) skip building and compiling a
   * query. Columns are the row type's own keys; undefined values are left out, as kysely does.
   */
  updateById<T extends keyof Database & string>(table: T, id: string, patch: Partial<Database[T]>): void {
    const cols = Object.keys(patch).filter((c) => (patch as Record<string, unknown>)[c] !== undefined);
    if (cols.length === 0) return;
    const key = `update ${table} ${cols.join(',')}`;
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = this.raw.prepare(`update "${table}" set ${cols.map((c) => `"${c}" = ?`).join(', ')} where "id" = ?`);
      this.statements.set(key, stmt);
    }
    stmt.run(...cols.map((c) => (patch as Record<string, unknown>)[c]), id);
    this.wrote();
  }

  private wrote(): void {
    if (++this.writes % CHECKPOINT_EVERY === 0) queueMicrotask(() => this.onCheckpointDue());
  }

  private prepare(query: Compilable): { stmt: BetterSqlite3.Statement; params: unknown[] } {
    const { sql, parameters } = query.compile();
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return { stmt, params: parameters as unknown[] };
  }

  all<R>(query: Compilable<R>): R[] {
    const { stmt, params } = this.prepare(query);
    return stmt.all(...params) as R[];
  }

  get<R>(query: Compilable<R>): R | undefined {
    const { stmt, params } = this.prepare(query);
    return stmt.get(...params) as R | undefined;
  }

  run(query: Compilable): BetterSqlite3.RunResult {
    const { stmt, params } = this.prepare(query);
    const r = stmt.run(...params);
    this.wrote();
    return r;
  }

  /** Run `fn` in one transaction (synchronous; nested calls become savepoints). */
  tx<T>(fn: () => T): T {
    return this.raw.transaction(fn)();
  }

  close(): void {
    this.raw.close();
  }
}
