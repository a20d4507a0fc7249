#!/usr/bin/env bash
# Creates Foundry's demo git repository at $1 (skipped when it already exists): a small project
# with an initial commit and a `.foundry/setup.sh` that Foundry runs in each new task's worktree.
set -euo pipefail
REPO="$1"
[ -d "$REPO/.git" ] && exit 0

mkdir -p "$REPO/src" "$REPO/.foundry"
cat >"$REPO/README.md" <<'MD'
# Foundry demo repository

A tiny project to try Foundry on. Run "Foundry: Create Task" from the command palette (F1) and
write a prompt for the offline `demo` agent, for example:

    Hello! Please add a greeting file.
    write src/greeting.txt
    Hello from the demo agent.
    end

Plain lines are echoed back, `write PATH` ... `end` writes a file in the task's worktree,
`sleep MS` pauses and `fail` ends the turn with an error.
MD
cat >"$REPO/src/greet.js" <<'JS'
export function greet(name) {
  return `Hello, ${name}!`;
}
JS
cat >"$REPO/package.json" <<'JSON'
{ "name": "foundry-demo", "version": "1.0.0", "private": true, "type": "module" }
JSON
cat >"$REPO/.foundry/setup.sh" <<'SH'
#!/bin/sh
# Foundry runs this in each new task's worktree before the agent starts.
echo "Preparing the worktree for $FOUNDRY_BRANCH"
sleep 1
printf 'Prepared by .foundry/setup.sh for %s\n' "$FOUNDRY_BRANCH" > .foundry-setup.txt
echo "Ready."
SH
chmod +x "$REPO/.foundry/setup.sh"

export GIT_AUTHOR_NAME="Foundry Demo" GIT_AUTHOR_EMAIL="demo@foundry.invalid"
export GIT_COMMITTER_NAME="Foundry Demo" GIT_COMMITTER_EMAIL="demo@foundry.invalid"
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "Initial commit of the Foundry demo"
echo "[foundry] created the demo repository at $REPO" >&2
