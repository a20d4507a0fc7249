// Where things are, for the end-to-end harness.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(E2E_DIR, '..');
export const ARTIFACTS_DIR = join(ROOT, '.test-artifacts');
export const CODE_SERVER_ENTRY = join(E2E_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** The pinned real agents (scripts/setup.sh --install-agents); a test passes it as FOUNDRY_AGENTS_DIR to use them. */
export const PINNED_AGENTS_DIR = process.env.FOUNDRY_AGENTS_DIR || join(ROOT, '.cache', 'agents');
export const CHROMIUM = process.env.FOUNDRY_E2E_CHROMIUM || '/usr/bin/chromium';

/**
 * The end-to-end suite's prerequisites. A missing one is a failure with what to run, never a skip:
 * CI must not go green without having driven a real VS Code.
 */
export function assertPrerequisites() {
  const missing = [];
  if (!existsSync(CODE_SERVER_ENTRY)) missing.push(`code-server (${CODE_SERVER_ENTRY})`);
  if (!existsSync(join(E2E_DIR, 'node_modules', 'playwright-core'))) missing.push('playwright-core (e2e/node_modules)');
  if (!existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) missing.push('the built extension (dist/extension.js: npm run build)');
  if (missing.length) {
    throw new Error(`end-to-end prerequisites missing: ${missing.join(', ')}. Run: bash scripts/setup.sh && npm run build`);
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`the e2e suite runs on Node 24 (code-server and the sidecar need it); this is Node ${process.versions.node}. Use npm test.`);
}
