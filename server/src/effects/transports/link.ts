/**
 * An agent link: how ACP messages reach one agent and come back. Two transports carry the same
 * messages: stdio to a local agent process (stdioLink.ts) and sandbox-agent's HTTP API
 * (sandboxAgentLink.ts), which remote sandboxes use.
 */
import type { AnyMessage } from '@agentclientprotocol/sdk';

export interface LinkEnd {
  code: number | null;
  signal: string | null;
  /** The last lines the agent wrote to stderr (or why the HTTP link ended). */
  stderrTail: string;
}

export interface AgentLink {
  /** Messages from the agent, in order. */
  readable: ReadableStream<AnyMessage>;
  /** Messages to the agent. */
  writable: WritableStream<AnyMessage>;
  /** Resolves once the agent is gone (process exit, or the HTTP server gone). */
  ended: Promise<LinkEnd>;
  /** Ask it to end; `ended` resolves once it has. */
  stop(): Promise<void>;
  /** The process group Foundry started, when it is a local process. */
  pgid?: number;
  /** Whether `fs/*` requests are served from this machine (a local process in the worktree). */
  localFs: boolean;
}

/** How an agent is reached: launched locally, or through a sandbox-agent server. */
export type AgentLaunch =
  /** `clientFs: false`: the agent is not offered Foundry's fs/* methods (it writes its files itself). */
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string>; clientFs?: false }
  | { kind: 'sandbox-agent'; url: string; agent: string; token?: string; headers?: Record<string, string> };
