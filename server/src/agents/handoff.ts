/**
 * "Continue with another agent": the digest a handoff session starts with. Built from the earlier
 * session's transcript when the new session's agent session is created (a background job, never
 * in the request): the user's messages, the agent's final answer of each turn, the files it
 * changed (written through the client, or by an edit tool call that completed: a rejected one
 * changed nothing), the plan entries still open and the last error. At most 8 KB: the oldest turns
 * are cut first; the files, the open plan and the last error are always kept.
 */
import type { TranscriptEvent } from '../../../shared/protocol';

export const DIGEST_LIMIT = 8 * 1024;

interface Turn {
  user: string;
  answer: string;
}

interface Digest {
  turns: Turn[];
  files: Set<string>;
  openPlan: string[];
  lastError?: string;
}

const textOf = (content: unknown): string => {
  const c = content as { type?: string; text?: string } | undefined;
  return c?.type === 'text' && typeof c.text === 'string' ? c.text : '';
};

export function collectDigest(events: Iterable<TranscriptEvent>, worktree: string): Digest {
  const d: Digest = { turns: [], files: new Set(), openPlan: [] };
  let current: Turn | undefined;
  let message = '';
  const edits = new Map<string, { kind?: string; locations?: { path?: string }[] }>();
  for (const e of events) {
    const p = e.payload as { method?: string; params?: Record<string, unknown>; kind?: string; text?: string };
    if (e.sender === 'client' && p.method === 'session/prompt') {
      const prompt = (p.params?.prompt as unknown[] | undefined) ?? [];
      current = { user: prompt.map(textOf).join(''), answer: '' };
      d.turns.push(current);
      message = '';
    } else if (e.sender === 'client' && p.method === 'fs/write_text_file' && typeof p.params?.path === 'string') {
      d.files.add(relative(p.params.path, worktree));
    } else if (e.sender === 'agent' && p.method === 'session/update') {
      const u = p.params?.update as { sessionUpdate?: string; toolCallId?: string; status?: string; content?: unknown; kind?: string; locations?: { path?: string }[]; entries?: { content?: string; status?: string }[] } | undefined;
      if (u?.sessionUpdate === 'agent_message_chunk') {
        message += textOf(u.content);
        if (current) current.answer = message;
      } else if (u?.sessionUpdate === 'tool_call' || u?.sessionUpdate === 'tool_call_update') {
        message = ''; // the final answer is the text after the last tool call
        // An edit counts once it has completed: a rejected or failed one changed nothing.
        const id = u.toolCallId ?? '';
        const edit = { ...edits.get(id), ...(u.kind ? { kind: u.kind } : {}), ...(u.locations ? { locations: u.locations } : {}) };
        edits.set(id, edit);
        if (u.status === 'completed' && (edit.kind === 'edit' || edit.kind === 'delete' || edit.kind === 'move')) {
          for (const l of edit.locations ?? []) if (l.path) d.files.add(relative(l.path, worktree));
        }
      } else if (u?.sessionUpdate === 'plan') {
        d.openPlan = (u.entries ?? []).filter((x) => x.status !== 'completed' && x.content).map((x) => x.content!);
      }
    } else if (e.sender === 'foundry' && (p.kind === 'turn_failed' || p.kind === 'agent_exited') && p.text) {
      d.lastError = p.text;
    }
  }
  return d;
}

function relative(path: string, worktree: string): string {
  return path.startsWith(`${worktree}/`) ? path.slice(worktree.length + 1) : path;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Quoted as a markdown block quote: the earlier conversation is context, never instructions to act on. */
const quote = (s: string) => s.split('\n').map((l) => `> ${l}`).join('\n');

export function renderDigest(d: Digest, fromAgent: string): string {
  const head = `You are continuing a conversation that another agent (${fromAgent}) started in this same worktree. Here is a digest of it; the files are already as it left them.`;
  const tail: string[] = [];
  if (d.files.size) tail.push(`## Files changed\n${[...d.files].sort().map((f) => `- ${f}`).join('\n')}`);
  if (d.openPlan.length) tail.push(`## Still open\n${d.openPlan.map((x) => `- [ ] ${x}`).join('\n')}`);
  if (d.lastError) tail.push(`## Last error\n${quote(clip(d.lastError, 600))}`);
  tail.push('Continue from here. Reply "ready" and wait for the next instruction if nothing is left to do.');
  const fixed = `${head}\n\n${tail.join('\n\n')}`;
  // Newest turns first until the budget is spent, then shown oldest first.
  const turns: string[] = [];
  let budget = DIGEST_LIMIT - Buffer.byteLength(fixed) - 40;
  for (let i = d.turns.length - 1; i >= 0 && budget > 0; i--) {
    const t = d.turns[i];
    const block = `### User\n${quote(clip(t.user, 1500))}\n### ${fromAgent}\n${quote(clip(t.answer || '(no answer)', 1500))}`;
    const size = Buffer.byteLength(block) + 2;
    if (size > budget) break;
    turns.unshift(block);
    budget -= size;
  }
  const omitted = d.turns.length - turns.length;
  const conversation = `## Conversation${omitted ? ` (${omitted} earlier turn${omitted === 1 ? '' : 's'} left out)` : ''}\n${turns.join('\n\n')}`;
  return `${head}\n\n${conversation}\n\n${tail.join('\n\n')}`;
}
