#!/usr/bin/env bash
# `npm start`: sets up, packages and installs Foundry into a real VS Code (code-server 4.139.1),
# creates a demo git repository, and serves it offline on http://127.0.0.1:${FOUNDRY_PORT:-8080}.
# Runs until stopped (Ctrl-C); every process it started is ended on exit.
# State (VS Code user data, extensions, the demo repository) lives in .foundry-demo/ at the
# repository root, or in FOUNDRY_DEMO_DIR. The URL is the only line written to stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

PORT="${FOUNDRY_PORT:-8080}"
STATE="${FOUNDRY_DEMO_DIR:-$ROOT/.foundry-demo}"
REPO="$STATE/demo-repo"
CODE_SERVER="$ROOT/e2e/node_modules/code-server/out/node/entry.js"

bash "$ROOT/scripts/setup.sh" >&2
export PATH="$ROOT/node_modules/.bin:$PATH"
NODE="$ROOT/node_modules/.bin/node"

mkdir -p "$STATE"/{user-data/User,extensions,xdg/config,xdg/data,xdg/cache,tmp}
# The state folder ignores itself, so it never shows up in git status.
[ -f "$STATE/.gitignore" ] || echo '*' >"$STATE/.gitignore"

log "packaging the extension"
# FOUNDRY_SKIP_BUILD=1 packages the current dist/ as it is (a quicker restart; used by the tests).
PACKAGE_ARGS=(--out "$STATE/foundry.vsix")
[ "${FOUNDRY_SKIP_BUILD:-}" = "1" ] && PACKAGE_ARGS+=(--skip-build)
(cd "$ROOT" && "$NODE" scripts/package.mjs "${PACKAGE_ARGS[@]}") >&2
export XDG_CONFIG_HOME="$STATE/xdg/config" XDG_DATA_HOME="$STATE/xdg/data" XDG_CACHE_HOME="$STATE/xdg/cache"
export TMPDIR="$STATE/tmp"
"$NODE" "$CODE_SERVER" --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions" \
  --install-extension "$STATE/foundry.vsix" --force >/dev/null
log "installed the extension into $STATE/extensions"

bash "$ROOT/scripts/demo-repo.sh" "$REPO" >&2

SETTINGS="$STATE/user-data/User/settings.json"
if [ ! -f "$SETTINGS" ]; then
  cat >"$SETTINGS" <<'JSON'
{
  "foundry.defaultAgent": "demo",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON
fi

# Every process started from here on carries this marker, so the ones that outlive code-server
# (none should) can be found and ended on exit.
export FOUNDRY_DEMO_RUN="$$-$RANDOM"
CS_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$CS_PID" ] && kill -0 "$CS_PID" 2>/dev/null; then
    log "stopping code-server"
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$CS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
  fi
  # The shared sidecar outlives windows by design: end it (it drains) if this run started it.
  local info="$XDG_DATA_HOME/foundry/sidecar.json" spid=""
  [ -f "$info" ] && spid="$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$info" | head -1)"
  if [ -n "$spid" ] && grep -qsz "^FOUNDRY_DEMO_RUN=$FOUNDRY_DEMO_RUN\$" "/proc/$spid/environ"; then
    log "stopping the Foundry sidecar (pid $spid)"
    kill -TERM "$spid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
  fi
  local pid
  for pid in $(grep -lsz "^FOUNDRY_DEMO_RUN=$FOUNDRY_DEMO_RUN\$" /proc/[0-9]*/environ | cut -d/ -f3); do
    [ "$pid" = "$$" ] && continue
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOG="$STATE/code-server.log"
: >"$LOG"
# setsid: code-server and its children get their own process group, ended as one.
setsid "$NODE" "$CODE_SERVER" \
  --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override \
  --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions" \
  --bind-addr "127.0.0.1:$PORT" "$REPO" >>"$LOG" 2>&1 &
CS_PID=$!

until grep -q "HTTP server listening on" "$LOG"; do
  if ! kill -0 "$CS_PID" 2>/dev/null; then
    tail -20 "$LOG" >&2
    die "code-server exited before listening (is port $PORT free? set FOUNDRY_PORT)"
  fi
  sleep 0.2
done

log "Foundry is running in VS Code (code-server). Open this URL; Ctrl-C stops it. Log: $LOG"
echo "http://127.0.0.1:$PORT/?folder=$REPO"
wait "$CS_PID"
