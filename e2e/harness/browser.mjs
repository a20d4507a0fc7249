// Debian Chromium driven by playwright-core, with a fresh profile and the flags that work offline
// on this machine (FACTS.md).
import { chromium } from 'playwright-core';
import { CHROMIUM } from './paths.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A persistent context on `profileDir` (a fresh temp folder) and its first page. */
export async function launchBrowser({ profileDir, env }) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env,
    viewport: { width: 1440, height: 900 },
    // Clipboard access lets VS Code's paste and copy work without prompts.
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}
