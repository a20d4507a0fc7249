/**
 * The demo agent's script language: a prompt's text, read line by line, becomes a
 * list of steps. The grammar is documented in agents/demo/README.md.
 */

/** One thing the demo agent does during a turn, in prompt order. */
export type Step =
  /** Write `content` to `path` (relative to the session's cwd). */
  | { kind: 'write'; path: string; content: string }
  /** Pause for `ms` milliseconds. */
  | { kind: 'sleep'; ms: number }
  /** End the turn with a JSON-RPC error. */
  | { kind: 'fail' }
  /** Ask the client for permission for a tool call titled `title`. */
  | { kind: 'permission'; title: string }
  /** Stream `text` back as agent message chunks. */
  | { kind: 'echo'; text: string };

/** A script the parser refuses; `line` is 1-based. */
export class ScriptError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`demo agent: line ${line}: ${reason}`);
  }
}

const WRITE = /^write\s+(\S.*)$/;
const SLEEP = /^sleep\s+(\d+)$/;
const FAIL = /^fail$/;
const PERMISSION = /^permission\s+(\S.*)$/;
const END = 'end';

/**
 * Parses prompt text into steps. Consecutive plain lines form one echo step
 * (joined with "\n"); blank lines outside a `write` block are skipped.
 * Throws ScriptError for a `write` with no closing `end`.
 */
export function parseScript(text: string): Step[] {
  const lines = text.split(/\r?\n/);
  const steps: Step[] = [];
  let echo: string[] = [];
  const flushEcho = () => {
    if (echo.length > 0) steps.push({ kind: 'echo', text: echo.join('\n') });
    echo = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const command = parseCommand(line);
    if (command === undefined) {
      if (line !== '') echo.push(line);
      continue;
    }
    flushEcho();
    if (command.kind === 'write') {
      const end = lines.findIndex((l, j) => j > i && l.trim() === END);
      if (end < 0) throw new ScriptError(i + 1, `"write ${command.path}" has no closing "end" line`);
      const body = lines.slice(i + 1, end);
      command.content = body.length > 0 ? body.join('\n') + '\n' : '';
      i = end;
    }
    steps.push(command);
  }
  flushEcho();
  return steps;
}

/** The command a trimmed line spells, or undefined for plain text. */
function parseCommand(line: string): Step | undefined {
  let m: RegExpExecArray | null;
  if ((m = WRITE.exec(line))) return { kind: 'write', path: m[1].trim(), content: '' };
  if ((m = SLEEP.exec(line))) return { kind: 'sleep', ms: Number(m[1]) };
  if (FAIL.test(line)) return { kind: 'fail' };
  if ((m = PERMISSION.exec(line))) return { kind: 'permission', title: m[1].trim() };
  return undefined;
}
