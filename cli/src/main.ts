/**
 * `foundry`: the command-line client of the Foundry sidecar. It speaks the same JSON-RPC
 * contract (shared/protocol.ts) as the extension, to the same sidecar: the one that
 * `D/sidecar.json` names, or one it starts detached (which then exits on its own once idle).
 * Exit codes: 0 done, 1 failed (a JSON-RPC error's message on stderr), 2 bad command line.
 */
import { commandUsage, flagValue, generalUsage, parseArgs, type ParsedArgs } from './args';
import { Commands } from './commands';
import type { CommandContext } from './commands/command';
import { connect, type SidecarClient } from './connect';
import { ExitFailure, ExitUsage, failureMessage, UsageError } from './errors';
import { resolveDataDir } from './runtime';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { sidecarLogPath } from '../../shared/sidecarLocation';
import { FOUNDRY_VERSION } from '../../shared/version';

const out = (text: string) => void process.stdout.write(text);
const err = (text: string) => void process.stderr.write(text);

function usageFor(command: string | undefined): string {
  const spec = Commands.find((c) => c.name === command);
  return spec ? commandUsage(spec) : generalUsage(Commands);
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv, Commands);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`foundry: ${e.message}\n\n${usageFor(e.command)}`);
    return ExitUsage;
  }
  if (parsed.flags.version) {
    out(`foundry ${FOUNDRY_VERSION} (protocol ${PROTOCOL_VERSION})\n`);
    return 0;
  }
  if (parsed.flags.help) {
    out(usageFor(parsed.command));
    return 0;
  }
  const command = Commands.find((c) => c.name === parsed.command)!;
  const log = parsed.flags.verbose ? (m: string) => err(`foundry: ${m}\n`) : undefined;
  let client: SidecarClient | undefined;
  try {
    const dataDir = resolveDataDir(flagValue(parsed, 'data-dir'));
    const context = (c: SidecarClient): CommandContext => ({ client: c, parsed, json: parsed.flags.json === true, out });
    client = await connect({ dataDir, bundleDir: __dirname, log }, (c) => command.beforeReady?.(context(c)));
    await command.run(context(client));
    return 0;
  } catch (e) {
    // A request cut off by the sidecar going away fails with vscode-jsonrpc's "disposed": say what happened.
    err(`foundry: ${client?.lost ? `the sidecar closed the connection (see ${sidecarLogPath(client.dataDir)})` : failureMessage(e)}\n`);
    return ExitFailure;
  } finally {
    await client?.close();
  }
}

// `foundry watch | head`: a closed stdout ends the command quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : ExitFailure));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; should a handle linger, do not hang on it.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (e) => {
    err(`foundry: ${failureMessage(e)}\n`);
    process.exit(ExitFailure);
  },
);
