// Credential values never reach a log: every value the window knows is replaced in what is written
// to its output channel, the language client's message trace included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactingChannel, SecretValues } from '../../src/agents/redaction';

const Key = 'sk-ant-e2e-DISTINCT-"quoted"-0042';

test('known values are replaced, in plain and JSON-escaped form; short ones are left', () => {
  const values = new SecretValues();
  values.add({ ANTHROPIC_API_KEY: Key, SHORT: 'abc' });
  const params = JSON.stringify({ agentId: 'claude', env: { ANTHROPIC_API_KEY: Key } });
  assert.equal(values.redact(`Sending request 'foundry/setCredentials'. Params: ${params}`), `Sending request 'foundry/setCredentials'. Params: {"agentId":"claude","env":{"ANTHROPIC_API_KEY":"***"}}`);
  assert.equal(values.redact(`raw ${Key} and abc`), 'raw *** and abc');
});

test('a redacting channel redacts every writer and passes everything else through', () => {
  const written: string[] = [];
  const channel = {
    name: 'Foundry',
    logLevel: 2,
    appendLine(line: string) {
      written.push(`appendLine ${line} (${this.name})`);
    },
    trace(message: string) {
      written.push(`trace ${message}`);
    },
    error(error: string | Error) {
      written.push(`error ${typeof error === 'string' ? error : error.message}`);
    },
    show() {
      written.push(`show ${this.name}`);
    },
  };
  const values = new SecretValues();
  const wrapped = redactingChannel(channel, (t) => values.redact(t));
  values.add({ OPENAI_API_KEY: Key }); // learnt after the channel was wrapped
  wrapped.appendLine(`key ${Key}`);
  wrapped.trace(`Params: {"env":{"OPENAI_API_KEY":${JSON.stringify(Key)}}}`);
  wrapped.error(new Error(`failed with ${Key}`));
  wrapped.show();
  assert.equal(wrapped.name, 'Foundry');
  assert.equal(wrapped.logLevel, 2);
  assert.deepEqual(written, ['appendLine key *** (Foundry)', 'trace Params: {"env":{"OPENAI_API_KEY":"***"}}', 'error failed with ***', 'show Foundry']);
  assert.ok(!written.join('\n').includes('DISTINCT'));
});
