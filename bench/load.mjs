// Background load for the latency sections: tasks held inside their setup script, which runs
// real git every 50 ms until a gate file appears.
import { writeFileSync } from 'node:fs';
import { Requests } from '../shared/protocol.ts';

/** A setup script that runs `git status` every 50 ms until `gate` exists. */
export const gatedSetupScript = (gate) => `while [ ! -f ${gate} ]; do git status --porcelain > /dev/null; sleep 0.05; done`;

/** How many of the client's tasks are in their setup step. */
export const inSetup = (sc) => [...sc.state.tasks.values()].filter((t) => t.status === 'init_create_sandbox').length;

/**
 * Add `repoPath` with the gated setup script, create `tasks` tasks on it (timing each
 * createTask) and wait until `running` of them are inside the script. `release()` opens the gate.
 */
export async function holdSetupScripts(sc, { repoPath, gate, tasks, running = tasks, timeoutMs }) {
  const repo = await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: gatedSetupScript(gate) });
  const created = [], createTimes = [];
  for (let i = 0; i < tasks; i++) {
    const t0 = performance.now();
    created.push(await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `background ${i}` }));
    createTimes.push(performance.now() - t0);
  }
  await sc.waitFor(() => inSetup(sc) === running, `${running} tasks in setup`, timeoutMs);
  return { repo, tasks: created, createTimes, release: () => writeFileSync(gate, '') };
}
