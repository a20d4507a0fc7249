/**
 * This build's Foundry version, from package.json at bundle time (esbuild `define`). The
 * extension, the sidecar and the CLI compare it to decide who hands over to whom.
 */
declare const __FOUNDRY_VERSION__: string | undefined;
export const FOUNDRY_VERSION: string = typeof __FOUNDRY_VERSION__ === 'string' ? __FOUNDRY_VERSION__ : '0.0.0-dev';
