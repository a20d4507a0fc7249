/**
 * The demo agent's script language: a prompt's text, read line by line, becomes a
 * list of steps. The grammar is documented in agents/demo/README.md.
 */

/** One thing the demo agent does during a turn, in prompt order. */
export type Step =
  /** Write `content` to `path` (relative to the session's cwd), as the session's mode allows. */
  | { kind: 'write'; path: string; content: string }
  /** Read `path` (relative to the session's cwd) and reply with it in a fenced code block. */
  | { kind: 'read'; path: string; line?: number; limit?: number }
  /** Pause for `ms` milliseconds. */
  | { kind: 'sleep'; ms: number }
  /** End the turn with a JSON-RPC error. */
  | { kind: 'fail' }
  /** Ask the client for permission for a tool call titled `title`. */
  | { kind: 'permission'; title: string }
  /** Stream `text` back as agent message chunks. */
  | { kind: 'echo'; text: string }
  /** Stream `text` back as agent thought chunks. */
  | { kind: 'think'; text: string }
  /** Send a plan with these entries (the first in progress). */
  | { kind: 'plan'; entries: string[] }
  /** Reply with the session's current mode or model id. */
  | { kind: 'mode' }
  | { kind: 'model' }
  /** End the agent process at once with this exit code. */
  | { kind: 'exit'; code: number }
  /** Never end the turn; only a cancel does. */
  | { kind: 'hang' };

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
/** `read PATH`, `read PATH LINE` or `read PATH LINE LIMIT`. */
const READ = /^read\s+(\S.*?)(?:\s+(\d+)(?:\s+(\d+))?)?$/;
const CODE = /^code\s+(\S+)$/;
const SLEEP = /^sleep\s+(\d+)$/;
const FAIL = /^fail$/;
const PERMISSION = /^permission\s+(\S.*)$/;
const THINK = /^think\s+(\S.*)$/;
const PLAN = /^plan\s+(\S.*)$/;
const EXIT = /^exit\s+(\d+)$/;
const END = 'end';

/**
 * Parses prompt text into steps. Consecutive plain lines and `code` blocks form one
 * echo step (joined with "\n"); blank lines outside a block are skipped.
 * Throws ScriptError for a `write` or `code` with no closing `end`, a `read` from line 0
 * and an exit code over 255.
 */
export function parseScript(text: string): Step[] {
  const lines = text.split(/\r?\n/);
  const steps: Step[] = [];
  let echo: string[] = [];
  const flushEcho = () => {
    if (echo.length > 0) steps.push({ kind: 'echo', text: echo.join('\n') });
    echo = [];
  };
  /** The raw lines between line `i` and its `end`, and the index of that `end`. */
  const block = (i: number, opening: string) => {
    const end = lines.findIndex((l, j) => j > i && l.trim() === END);
    if (end < 0) throw new ScriptError(i + 1, `"${opening}" has no closing "end" line`);
    return { body: lines.slice(i + 1, end), end };
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const code = CODE.exec(line);
    if (code) {
      const { body, end } = block(i, line);
      echo.push(fenced(body.join('\n'), code[1]));
      i = end;
      continue;
    }
    const command = parseCommand(line, i + 1);
    if (command === undefined) {
      if (line !== '') echo.push(line);
      continue;
    }
    flushEcho();
    if (command.kind === 'write') {
      const { body, end } = block(i, `write ${command.path}`);
      command.content = body.length > 0 ? body.join('\n') + '\n' : '';
      i = end;
    }
    steps.push(command);
  }
  flushEcho();
  return steps;
}

/**
 * `text` in a fenced code block, tagged `lang` (if any). The fence is longer than any
 * run of backticks in the text, so the text cannot close it.
 */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** The command a trimmed line spells, or undefined for plain text. */
function parseCommand(line: string, lineNo: number): Step | undefined {
  let m: RegExpExecArray | null;
  if ((m = WRITE.exec(line))) return { kind: 'write', path: m[1].trim(), content: '' };
  if ((m = READ.exec(line))) {
    const step: Step = { kind: 'read', path: m[1].trim() };
    if (m[2] !== undefined) step.line = Number(m[2]);
    if (step.line === 0) throw new ScriptError(lineNo, 'read: lines are numbered from 1');
    if (m[3] !== undefined) step.limit = Number(m[3]);
    return step;
  }
  if ((m = SLEEP.exec(line))) return { kind: 'sleep', ms: Number(m[1]) };
  if (FAIL.test(line)) return { kind: 'fail' };
  if ((m = PERMISSION.exec(line))) return { kind: 'permission', title: m[1].trim() };
  if ((m = THINK.exec(line))) return { kind: 'think', text: m[1].trim() };
  if ((m = PLAN.exec(line))) {
    const entries = m[1].split('|').map((e) => e.trim()).filter((e) => e !== '');
    return entries.length > 0 ? { kind: 'plan', entries } : undefined;
  }
  if (line === 'mode') return { kind: 'mode' };
  if (line === 'model') return { kind: 'model' };
  if ((m = EXIT.exec(line))) {
    const code = Number(m[1]);
    if (code > 255) throw new ScriptError(lineNo, `exit code ${code} is over 255`);
    return { kind: 'exit', code };
  }
  if (line === 'hang') return { kind: 'hang' };
  return undefined;
}
