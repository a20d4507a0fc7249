// Test helper: a webview TypeScript module bundled with esbuild in memory and imported in Node.
import * as esbuild from 'esbuild';

export async function load(entry) {
  const out = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}
