/**
 * The provisioning stages each provider declares, with their labels and tooltips: what the
 * explorer shows (TaskSummary `stages`) and the order the provision job walks (jobs/provision.ts).
 * A task attaching an existing branch fetches it first (`init_attach_branch`), whatever its provider.
 */
import type { ProviderId, ProvisionStage, StageInfo } from '../../../shared/protocol';

export interface StageDecl extends StageInfo {
  message: string;
}

const ATTACH: StageDecl = { id: 'init_attach_branch', label: 'Fetching branch', message: 'Fetching the branch' };

export const PROVIDER_STAGES: Record<ProviderId, readonly StageDecl[]> = {
  local: [
    { id: 'init_ensure_name', label: 'Naming branch', message: 'Checking the branch name against git' },
    { id: 'init_create_sandbox', label: 'Creating worktree', message: 'Creating the worktree and running the setup script' },
    { id: 'init_ensure_agent', label: 'Preparing agent', message: 'Checking that the agent can be launched' },
    { id: 'init_create_session', label: 'Starting session', message: 'Starting the agent session and sending the prompt' },
  ],
  daytona: [
    { id: 'init_ensure_name', label: 'Naming branch', message: 'Checking the branch name against git' },
    { id: 'init_allocate_sandbox', label: 'Allocating sandbox', message: 'Finding or creating the Daytona sandbox' },
    { id: 'init_prepare_repo', label: 'Uploading repository', message: 'Uploading the repository as a git bundle and checking out the branch' },
    { id: 'init_run_setup', label: 'Running setup script', message: 'Running the setup script in the sandbox' },
    { id: 'init_install_agent', label: 'Installing agent', message: 'Installing sandbox-agent and the agent in the sandbox' },
    { id: 'init_start_agent', label: 'Starting sandbox-agent', message: 'Starting sandbox-agent in the sandbox' },
    { id: 'init_check_agent', label: 'Checking agent', message: 'Waiting for sandbox-agent to answer its health check' },
    { id: 'init_create_session', label: 'Starting session', message: 'Starting the agent session and sending the prompt' },
  ],
};

export const providerOf = (id: string | undefined | null): ProviderId => (id === 'daytona' ? 'daytona' : 'local');

/** The stages a task walks, in order. */
export function stagesFor(provider: string | undefined | null, attached: boolean): readonly StageDecl[] {
  const own = PROVIDER_STAGES[providerOf(provider)];
  return attached ? [ATTACH, ...own] : own;
}

export const stageIds = (stages: readonly StageDecl[]): ProvisionStage[] => stages.map((s) => s.id);
