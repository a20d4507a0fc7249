// Setup-script gates: a repository's .foundry/setup.sh that holds provisioning until the test
// releases it, so "the task is still provisioning" is certain rather than a matter of timing.
// The sidecar runs setup scripts with the extension host's environment, which inherits
// FOUNDRY_E2E_GATES from code-server's.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForFile } from '../../test/waitFor.mjs';

const GATES_ENV = 'FOUNDRY_E2E_GATES';

/**
 * A setup script that, when FOUNDRY_E2E_GATES is set, waits for `<gate>.release`, the gate being
 * the task's branch with `/` replaced by `_`. While it waits, `<gate>.waiting` exists and holds
 * its pid: the file is removed when the wait ends and when the script exits or is ended by a
 * signal (a SIGKILL, which the sidecar uses, leaves it behind: hence the pid, checked by isHeld). It then leaves a visible trace
 * in the worktree. `exitCode` makes it fail after the gate.
 */
export function gatedSetupScript({ exitCode = 0 } = {}) {
  return `#!/bin/sh
echo "setup: preparing $FOUNDRY_BRANCH"
if [ -n "$${GATES_ENV}" ]; then
  gate="$${GATES_ENV}/$(printf %s "$FOUNDRY_BRANCH" | tr / _)"
  # bash (the sidecar runs setup scripts with bash -c) runs this on exit and on SIGTERM/SIGHUP/SIGINT.
  trap 'rm -f "$gate.waiting"' EXIT
  # Written whole, then renamed: whoever sees the file sees the pid.
  echo $$ > "$gate.waiting.tmp" && mv "$gate.waiting.tmp" "$gate.waiting"
  while [ ! -e "$gate.release" ]; do sleep 0.05; done
  rm -f "$gate.waiting"
fi
echo "prepared by .foundry/setup.sh" > .setup-done
${exitCode ? `echo "setup: failing on purpose" >&2\nexit ${exitCode}` : 'echo "setup: done"'}
`;
}

/** Whether process `pid` is alive (a zombie has already ended). */
function alive(pid) {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

/** The pid a setup script wrote to `<gate>.waiting`, or 0 when there is none. */
function waitingPid(path) {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

export function makeGates(dir) {
  mkdirSync(dir, { recursive: true });
  const gate = (branch) => join(dir, branch.replaceAll('/', '_'));
  return {
    env: { [GATES_ENV]: dir },
    /** Resolves once the setup script of `branch` is running and held at its gate. */
    waitUntilHeld: (branch, timeoutMs = 30_000) => waitForFile(`${gate(branch)}.waiting`, timeoutMs),
    /** The setup script of `branch` is waiting at its gate right now. */
    isHeld: (branch) => {
      const pid = waitingPid(`${gate(branch)}.waiting`);
      return pid > 0 && alive(pid);
    },
    release: (branch) => writeFileSync(`${gate(branch)}.release`, ''),
  };
}
