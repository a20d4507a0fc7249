# Shared shell helpers for scripts/*.sh (sourced, not run). Expects ROOT to be set.

log() { printf '[foundry] %s\n' "$*" >&2; }
die() { printf '[foundry] error: %s\n' "$*" >&2; exit 1; }

# Node 24 comes from the root devDependency `node@24` (system node 20 cannot load better-sqlite3 13).
require_node24() {
  local node="$ROOT/node_modules/.bin/node"
  [ -x "$node" ] || die "Node 24 is missing at $node: run 'npm install' at the repository root"
  local major
  major="$("$node" -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 24 ] || die "$node is Node $major; Foundry needs Node 24 (devDependency node@24)"
}
