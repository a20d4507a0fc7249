/**
 * The agent's slash commands (ACP `available_commands_update`) as composer completions. Pure: the
 * popup (slashMenu.ts) asks these functions what to list and what the text becomes.
 *
 * A command is sent as ordinary prompt text (`/name input`); the agent recognises it.
 */
import { asRecord, records, str } from './payload';

export interface SlashCommand {
  readonly name: string;
  readonly description: string;
  /** What to type after the name, when the command takes input. */
  readonly hint?: string;
}

export function slashCommands(value: unknown): SlashCommand[] {
  const commands: SlashCommand[] = [];
  for (const raw of records(value)) {
    const name = str(raw.name)?.replace(/^\//, '').trim();
    if (!name) continue;
    const hint = str(asRecord(raw.input)?.hint);
    commands.push({ name, description: str(raw.description) ?? '', ...(hint ? { hint } : {}) });
  }
  return commands;
}

/**
 * What the user is typing as a command name: the text after a leading `/`, while the caret is
 * still in that first word. Undefined when the text is not a command being typed.
 */
export function slashQuery(text: string, caret: number): string | undefined {
  const token = /^\/(\S*)/.exec(text);
  if (!token || caret < 1 || caret > token[0].length) return undefined;
  return token[1];
}

/** Commands whose name starts with the query, then those that contain it; case-insensitive. */
export function matchCommands(commands: readonly SlashCommand[], query: string): SlashCommand[] {
  const q = query.toLowerCase();
  const starts = commands.filter((c) => c.name.toLowerCase().startsWith(q));
  const contains = commands.filter((c) => !c.name.toLowerCase().startsWith(q) && c.name.toLowerCase().includes(q));
  return [...starts, ...contains];
}

/** The text with its first word replaced by `/name `, and where the caret goes (after the space). */
export function completeCommand(text: string, command: SlashCommand): { text: string; caret: number } {
  const rest = text.replace(/^\/\S*/, '').replace(/^ +/, '');
  const head = `/${command.name} `;
  return { text: head + rest, caret: head.length };
}
