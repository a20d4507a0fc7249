/**
 * Credential values never reach a log. The extension knows every value it read from or wrote to
 * SecretStorage; `SecretValues.redact` replaces each with `***`, and `redactingChannel` applies it
 * to everything written to an output channel - in particular the language client's own log and its
 * message trace (`foundry.trace.server` set to `verbose` would otherwise print foundry/setCredentials
 * params). No `vscode` import: unit-tested in Node.
 */

/** Values shorter than this are not redacted: they would mangle ordinary text and protect nothing. */
const MinLength = 6;

export class SecretValues {
  private readonly values = new Set<string>();

  /** Remember the values of an agent's credentials. */
  add(env: Readonly<Record<string, string>>): void {
    for (const value of Object.values(env)) if (value.length >= MinLength) this.values.add(value);
  }

  /** `text` with every known credential value (and its JSON-escaped form) replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const value of this.values) {
      out = out.split(value).join('***');
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) out = out.split(escaped).join('***');
    }
    return out;
  }
}

/** The output-channel methods that write text. */
const Writers = new Set(['append', 'appendLine', 'replace', 'trace', 'debug', 'info', 'warn', 'error']);

/** The same channel, with every string written through it redacted first. */
export function redactingChannel<T extends object>(channel: T, redact: (text: string) => string): T {
  return new Proxy(channel, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !Writers.has(property)) return value.bind(target);
      return (...args: unknown[]) => value.apply(target, args.map((a) => (typeof a === 'string' ? redact(a) : a instanceof Error ? redactError(a, redact) : a)));
    },
  });
}

function redactError(error: Error, redact: (text: string) => string): Error {
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  if (error.stack) copy.stack = redact(error.stack);
  return copy;
}
