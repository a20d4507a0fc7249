// What the chat tab says when the sidecar refuses a request: the sidecar's own -32002 errors (built
// by server/src/errors.ts, as the handlers throw them) become a sentence saying what to do instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidParams, invalidState } from '../../../server/src/errors';
import { refusalText } from '../../src/chat/refusals';

test('a mode or model change refused mid-turn says to wait for the turn, with the reason', () => {
  const mode = refusalText('setMode', invalidState('setSessionMode', 'running', 'this change restarts the agent: wait for the turn to end'));
  assert.equal(mode, 'The mode cannot change while the agent is working (this change restarts the agent: wait for the turn to end). Try again when this turn has ended.');
  assert.match(refusalText('setModel', invalidState('setSessionModel', 'needs_input')), /^The model cannot change while the agent is working\. Try again/);
});

test('sending to a session in error says to restart it; a closed session says so', () => {
  assert.match(refusalText('send', invalidState('sendMessage', 'error', 'restart the session first (Retry Session)')), /Restart it first/);
  assert.match(refusalText('setMode', invalidState('setSessionMode', 'closed')), /session is closed/);
});

test('other errors show the sidecar message as it is', () => {
  const params = invalidParams("mode: 'x' is not one of this session's modes (ask, accept_edits)");
  assert.equal(refusalText('setMode', params), params.message);
  assert.equal(refusalText('send', new Error('Foundry sidecar is not running.')), 'Foundry sidecar is not running.');
});
