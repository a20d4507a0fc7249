/**
 * Agents' credentials in VS Code's SecretStorage: one entry per agent,
 * `foundry.agentCredentials.<agentId>`, holding `{VAR: value}` as JSON. Every value read or
 * written is remembered by `SecretValues`, so logs can redact it. Nothing here logs a value.
 */
import type * as vscode from 'vscode';
import { parseStoredEnv } from './agentPresentation';
import { SecretValues } from './redaction';

const keyOf = (agentId: string) => `foundry.agentCredentials.${agentId}`;

export class AgentCredentials {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    readonly values: SecretValues,
  ) {}

  /** The agent's stored variables (`{}` when none). */
  async get(agentId: string): Promise<Record<string, string>> {
    const env = parseStoredEnv(await this.secrets.get(keyOf(agentId)));
    this.values.add(env);
    return env;
  }

  /** Replace the agent's stored variables; `{}` deletes the entry. */
  async set(agentId: string, env: Record<string, string>): Promise<void> {
    this.values.add(env);
    if (Object.keys(env).length === 0) await this.secrets.delete(keyOf(agentId));
    else await this.secrets.store(keyOf(agentId), JSON.stringify(env));
  }
}
