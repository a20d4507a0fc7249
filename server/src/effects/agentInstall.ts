/**
 * Agent installs on the effects worker: each runs the installer bundle (agents/install/installer.ts)
 * as its own process group on the sidecar's Node, relays its progress lines as events, and
 * resolves when it is done.
 */
import { join } from 'node:path';
import type { EffectsApi, EffectsEvent } from './api';
import type { ProcessEffects } from './processes';

export function createInstallEffects(bundleDir: string, emit: (e: EffectsEvent) => void, processes: ProcessEffects): Pick<EffectsApi, 'installAgent'> {
  return {
    installAgent({ key, target, spec }) {
      // Only what an npm install needs from the sidecar's environment; on Electron, run as Node.
      const { ELECTRON_RUN_AS_NODE: _electron, ...inherited } = process.env;
      const env = { ...inherited, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
      const child = processes.spawnGroup(process.execPath, [join(bundleDir, 'agent-installer.js'), target, spec], { env, stdio: ['ignore', 'pipe', 'pipe'] }, key, 'install');
      let failure = '';
      let stderr = '';
      let buffered = '';
      child.stdout?.on('data', (d: Buffer) => {
        buffered += d.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          try {
            const r = JSON.parse(line) as { type: string; message?: string };
            if (r.type === 'progress' && r.message) emit({ type: 'installProgress', key, message: r.message });
            if (r.type === 'error') failure = r.message ?? 'install failed';
          } catch {
            // not a report line
          }
        }
      });
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-1000)));
      return new Promise<void>((resolve, reject) => {
        child.once('error', (e) => reject(new Error(`could not start the installer: ${e.message}`)));
        child.once('close', (code, signal) => {
          if (code === 0) resolve();
          else reject(new Error(failure || `the installer ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`));
        });
      });
    },
  };
}
