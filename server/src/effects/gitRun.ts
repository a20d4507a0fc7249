/** One git process with bounded output, as bytes: for reads where simple-git's strings would mangle binary content. */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

export interface GitOut {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Foundry's own commits (revert refs) never depend on the user's git identity. */
export const FOUNDRY_IDENTITY = {
  GIT_AUTHOR_NAME: 'Foundry',
  GIT_AUTHOR_EMAIL: 'foundry@localhost',
  GIT_COMMITTER_NAME: 'Foundry',
  GIT_COMMITTER_EMAIL: 'foundry@localhost',
};

export interface GitRunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  maxBytes?: number;
  /** Ends git (SIGTERM) when aborted: the result then has a null code. */
  signal?: AbortSignal;
  /** Ends git (SIGTERM) after this long. */
  timeoutMs?: number;
  /** Run git at a lower CPU priority (nice 10): background work that must not slow a turn (snapshots). */
  background?: boolean;
}

export function gitRun(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<GitOut> {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], {
      cwd,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    });
    if (opts.background && child.pid) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // already gone
      }
    }
    const abort = () => child.kill('SIGTERM');
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    child.on('close', () => opts.signal?.removeEventListener('abort', abort));
    const chunks: Buffer[] = [];
    let size = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > maxBytes) {
        child.kill('SIGKILL');
        return;
      }
      chunks.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 8192) err += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (size > maxBytes) reject(new Error(`git ${args[0]}: output over ${maxBytes} bytes`));
      else resolve({ code, stdout: Buffer.concat(chunks), stderr: err.trim() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Like gitRun, but a non-zero exit is an error naming the command and git's message. */
export async function gitOk(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<Buffer> {
  const r = await gitRun(cwd, args, opts);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr || `exit ${r.code}`}`);
  return r.stdout;
}
