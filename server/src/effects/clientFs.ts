/**
 * Foundry as an ACP client serves `fs/read_text_file` and `fs/write_text_file`, inside the
 * session's worktree only. A path must be absolute, and it must stay inside the worktree after
 * every symbolic link is followed (for a file that does not exist yet: its deepest existing
 * folder); no part of it may be `.git`. Anything else is refused with a JSON-RPC error, and the
 * refusal is reported (`fsRefused`) so the transcript records it.
 */
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { RequestError, type ReadTextFileRequest, type WriteTextFileRequest } from '@agentclientprotocol/sdk';
import type { EffectsEvent } from './api';

/** The real path of `p`, or of its deepest existing ancestor joined with the rest. */
async function realOrAncestor(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    const parent = dirname(p);
    if (parent === p) return p;
    return resolve(await realOrAncestor(parent), p.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
  }
}

async function confine(root: string, path: string): Promise<string | { refused: string }> {
  if (!isAbsolute(path)) return { refused: 'the path is not absolute' };
  const target = resolve(path);
  const realRoot = await realpath(root);
  const real = await realOrAncestor(target);
  const rel = relative(realRoot, real);
  if (rel.startsWith('..') || isAbsolute(rel)) return { refused: "it is outside the task's worktree" };
  if (rel.split(sep).includes('.git') || relative(root, target).split(sep).includes('.git')) return { refused: 'git metadata is off limits' };
  return real;
}

export function createClientFs(emit: (e: EffectsEvent) => void) {
  const refuse = (key: string, op: 'read' | 'write', path: string, reason: string): never => {
    emit({ type: 'fsRefused', key, op, path, reason });
    throw RequestError.invalidParams(undefined, `Foundry refused to ${op} ${path}: ${reason}`);
  };

  return {
    async read(key: string, root: string, p: ReadTextFileRequest): Promise<{ content: string }> {
      const real = await confine(root, p.path);
      if (typeof real !== 'string') return refuse(key, 'read', p.path, real.refused);
      let text: string;
      try {
        text = await readFile(real, 'utf8');
      } catch (e) {
        throw RequestError.resourceNotFound(p.path);
      }
      if (p.line == null && p.limit == null) return { content: text };
      const lines = text.split('\n');
      const start = Math.max(0, (p.line ?? 1) - 1);
      return { content: lines.slice(start, p.limit == null ? undefined : start + p.limit).join('\n') };
    },

    async write(key: string, root: string, p: WriteTextFileRequest): Promise<Record<string, never>> {
      const real = await confine(root, p.path);
      if (typeof real !== 'string') return refuse(key, 'write', p.path, real.refused);
      await mkdir(dirname(real), { recursive: true });
      await writeFile(real, p.content);
      return {};
    },
  };
}
