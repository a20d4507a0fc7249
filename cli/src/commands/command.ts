/** What a command is: its spec (name, arguments, flags) and what it runs once connected. */
import type { CommandSpec, ParsedArgs } from '../args';
import type { SidecarClient } from '../connect';

export interface CommandContext {
  readonly client: SidecarClient;
  readonly parsed: ParsedArgs;
  readonly json: boolean;
  /** Write to stdout. */
  readonly out: (text: string) => void;
}

export interface Command extends CommandSpec {
  /** Register push handlers before `initialized` is sent (watch). */
  readonly beforeReady?: (cx: CommandContext) => void;
  /** Run the command; its promise settles when the command is done (watch: on Ctrl-C). */
  run(cx: CommandContext): Promise<void>;
}
