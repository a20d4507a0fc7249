/**
 * The GitHub token of VS Code's GitHub authentication session, given to the sidecar (which keeps it
 * in memory only) on every connection and whenever the session changes; "Foundry: Sign in to
 * GitHub" asks for one. Without a session the sidecar uses GITHUB_TOKEN from its environment.
 * The token is added to the window's redaction list before it is sent, so no log shows it.
 */
import * as vscode from 'vscode';
import { SetGitHubToken } from '../../../shared/protocol';
import type { ConnectionHook, Controller } from '../controller';
import { errorMessage } from '../errors';

export const GitHubProvider = 'github';
export const GitHubScopes = ['repo'];
/** How long a connection waits for VS Code's GitHub provider before going on without the token. */
const SilentLookupMs = 3_000;

async function silentSession(): Promise<vscode.AuthenticationSession | undefined> {
  return vscode.authentication.getSession(GitHubProvider, GitHubScopes, { silent: true });
}

/** Give the sidecar the session's token (or forget the one given, without a session). */
async function sendToken(controller: Controller, request: (token: string | null) => Promise<unknown>, session: vscode.AuthenticationSession | undefined): Promise<void> {
  if (session) controller.secretValues.add({ GITHUB_TOKEN: session.accessToken });
  await request(session?.accessToken ?? null);
}

export function gitHubTokenHook(controller: Controller): ConnectionHook {
  return async (session) => {
    const send = (token: string | null) => session.request(SetGitHubToken, { token });
    const lookup = silentSession();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SilentLookupMs)));
    const first = await Promise.race([lookup, late]).finally(() => clearTimeout(timer));
    if (first === 'late') {
      // VS Code's provider is slow to answer (it may be activating): do not hold the connection.
      void lookup
        .then(async (found) => {
          if (found) await sendToken(controller, send, found);
        })
        .catch((error) => controller.log.warn(`GitHub session lookup: ${errorMessage(error)}`));
      return;
    }
    if (first) {
      await sendToken(controller, send, first);
      controller.log.info(`GitHub: the session of ${first.account.label} was given to the sidecar`);
    }
  };
}

/** "Foundry: Sign in to GitHub": ask VS Code for a session (it may open the sign-in flow) and send its token. */
export function signInToGitHub(controller: Controller): () => Promise<void> {
  return async () => {
    controller.requireRunning();
    const session = await vscode.authentication.getSession(GitHubProvider, GitHubScopes, { createIfNone: true });
    await sendToken(controller, (token) => controller.request(SetGitHubToken, { token }), session);
    controller.log.info(`GitHub: signed in as ${session.account.label}`);
    void vscode.window.showInformationMessage(`Foundry: signed in to GitHub as ${session.account.label}.`);
  };
}

/** When the user signs in or out of GitHub elsewhere in VS Code, the running sidecar follows. */
export function followGitHubSessions(controller: Controller): vscode.Disposable {
  return vscode.authentication.onDidChangeSessions(async (event) => {
    if (event.provider.id !== GitHubProvider || controller.state !== 'running') return;
    try {
      await sendToken(controller, (token) => controller.request(SetGitHubToken, { token }), await silentSession());
    } catch (error) {
      controller.log.warn(`Could not give the sidecar the changed GitHub session: ${errorMessage(error)}`);
    }
  });
}
