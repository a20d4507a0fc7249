/**
 * The command line: `foundry [global flags] COMMAND [flags] ARGS...`. Flags may come anywhere
 * (before or after the command), as `--name value` or `--name=value`; `--` ends the flags, so a
 * prompt may start with "-". Which flags and how many arguments a command takes is its spec.
 */
import { UsageError } from './errors';

export interface FlagSpec {
  /** Takes a value (`--repo PATH`); otherwise a switch (`--json`). */
  readonly value?: string;
  /** The command cannot run without it. */
  readonly required?: boolean;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  /** Positional arguments, in order; all required. */
  readonly args: readonly string[];
  readonly summary: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
}

/** Flags every command takes. */
export const GlobalFlags: Readonly<Record<string, FlagSpec>> = {
  'data-dir': { value: 'DIR', help: 'the data folder (default: $FOUNDRY_DATA_DIR, else the per-user folder)' },
  json: { help: 'machine output: one JSON document (watch: one JSON object per line)' },
  verbose: { help: 'say on stderr how the sidecar was found or started' },
  help: { help: 'show help' },
};

export interface ParsedArgs {
  /** Undefined with no command (then `help` or `version` is set, or it is a usage error). */
  readonly command?: string;
  readonly args: string[];
  readonly flags: Record<string, string | true>;
}

const ShortFlags: Record<string, string> = { '-h': 'help', '-V': 'version' };

/** Split argv into command, positionals and flags, and check them against the command's spec. */
export function parseArgs(argv: readonly string[], specs: readonly CommandSpec[]): ParsedArgs {
  const valueFlags = new Set<string>();
  for (const spec of [{ flags: GlobalFlags }, ...specs]) for (const [name, f] of Object.entries(spec.flags)) if (f.value) valueFlags.add(name);

  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg in ShortFlags) {
      flags[ShortFlags[arg]!] = true;
    } else if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (valueFlags.has(name)) {
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`, command);
        flags[name] = value;
      } else {
        if (eq > 0) throw new UsageError(`--${name} takes no value`, command);
        flags[name] = true;
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      throw new UsageError(`unknown flag ${arg}`, command);
    } else if (command === undefined) {
      command = arg;
    } else {
      positionals.push(arg);
    }
  }
  // `--` before any command: its first argument is the command.
  if (command === undefined && positionals.length) command = positionals.shift();

  if (command === undefined) {
    for (const name of Object.keys(flags)) if (!(name in GlobalFlags) && name !== 'version') throw new UsageError(`unknown flag --${name}`);
    if (!flags.help && !flags.version) throw new UsageError('no command given');
    return { args: positionals, flags };
  }
  const spec = specs.find((s) => s.name === command);
  if (!spec) throw new UsageError(`unknown command "${command}"`);
  for (const name of Object.keys(flags)) {
    if (!(name in GlobalFlags) && !(name in spec.flags) && name !== 'version') throw new UsageError(`unknown flag --${name} for "${command}"`, command);
  }
  if (!flags.help && !flags.version) {
    for (const [name, f] of Object.entries(spec.flags)) if (f.required && flags[name] === undefined) throw new UsageError(`--${name}${f.value ? ` ${f.value}` : ''} is required`, command);
    if (positionals.length < spec.args.length) throw new UsageError(`missing ${spec.args.slice(positionals.length).join(' ')}`, command);
    if (positionals.length > spec.args.length) throw new UsageError(`too many arguments: ${positionals.slice(spec.args.length).map((a) => JSON.stringify(a)).join(' ')}`, command);
  }
  return { command, args: positionals, flags };
}

/** A flag's value, or undefined. */
export const flagValue = (parsed: ParsedArgs, name: string): string | undefined => {
  const v = parsed.flags[name];
  return typeof v === 'string' ? v : undefined;
};

const flagLines = (flags: Readonly<Record<string, FlagSpec>>) =>
  Object.entries(flags).map(([name, f]) => `  ${`--${name}${f.value ? ` ${f.value}` : ''}`.padEnd(22)} ${f.help}`);

export function commandUsage(spec: CommandSpec): string {
  const flagPart = Object.entries(spec.flags).map(([n, f]) => (f.required ? `--${n} ${f.value}` : `[--${n}${f.value ? ` ${f.value}` : ''}]`));
  const lines = [`usage: foundry ${[spec.name, ...flagPart, ...spec.args].join(' ')} [--json]`, '', spec.summary];
  if (Object.keys(spec.flags).length) lines.push('', 'flags:', ...flagLines(spec.flags));
  lines.push('', 'global flags:', ...flagLines(GlobalFlags));
  return `${lines.join('\n')}\n`;
}

export function generalUsage(specs: readonly CommandSpec[]): string {
  const synopsis = (s: CommandSpec) =>
    [s.name, ...Object.entries(s.flags).filter(([, f]) => f.required).map(([n, f]) => `--${n} ${f.value}`), ...s.args].join(' ');
  const width = Math.max(...specs.map((s) => synopsis(s).length)) + 2;
  return [
    'usage: foundry COMMAND [flags] [--json] [--data-dir DIR]',
    '',
    'The command line client of the Foundry sidecar: it attaches to the sidecar of the data',
    'folder (the one VS Code uses), or starts one.',
    '',
    'commands:',
    ...specs.map((s) => `  ${synopsis(s).padEnd(width)}${s.summary}`),
    '',
    'global flags:',
    ...flagLines(GlobalFlags),
    `  ${'--version'.padEnd(22)} print the version`,
    '',
    'Run "foundry COMMAND --help" for a command\'s flags.',
    '',
  ].join('\n');
}
