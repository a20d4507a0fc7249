/**
 * The proposed commit message, from the database only: the task's title as the subject (at most
 * 72 characters), then the agent's last summary (the final message of its last finished turn) and
 * the prompt.
 */
import type { TaskRow } from '../db/schema';

const SUBJECT_MAX = 72;
const PROMPT_MAX = 4096;

function subjectOf(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim() || 'Changes';
  if (line.length <= SUBJECT_MAX) return line;
  const cut = line.slice(0, SUBJECT_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUBJECT_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const bounded = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function proposeCommitMessage(t: Pick<TaskRow, 'title' | 'prompt' | 'last_summary'>): string {
  const subject = subjectOf(t.title);
  const body: string[] = [];
  const summary = t.last_summary?.trim();
  if (summary) body.push(summary);
  const prompt = t.prompt.trim();
  if (prompt && prompt !== subject) body.push(`Prompt:\n${bounded(prompt, PROMPT_MAX)}`);
  return body.length ? `${subject}\n\n${body.join('\n\n')}` : subject;
}
