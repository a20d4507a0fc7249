/**
 * The agent's final message of a turn, kept as its chunks stream in (no transcript scan later):
 * the text of the `agent_message_chunk`s since the last tool call, bounded. When the turn ends it
 * becomes the task's last summary (the proposed commit message's body).
 */
const MAX_CHARS = 4096;

type Msg = { method?: string; params?: { update?: { sessionUpdate?: string; content?: { type?: string; text?: unknown } } } };

export class LastMessages {
  private readonly bySession = new Map<string, { text: string; closed: boolean }>();

  /** A turn starts: nothing said yet. */
  reset(sessionId: string): void {
    this.bySession.delete(sessionId);
  }

  heard(sessionId: string, message: unknown): void {
    const u = (message as Msg).method === 'session/update' ? (message as Msg).params?.update : undefined;
    if (!u) return;
    const cur = this.bySession.get(sessionId);
    if (u.sessionUpdate === 'agent_message_chunk') {
      const text = u.content?.type === 'text' && typeof u.content.text === 'string' ? u.content.text : '';
      if (!text) return;
      // A message after a tool call starts over: the final message is the one that counts.
      const base = !cur || cur.closed ? '' : cur.text;
      this.bySession.set(sessionId, { text: base.length >= MAX_CHARS ? base : (base + text).slice(0, MAX_CHARS), closed: false });
    } else if ((u.sessionUpdate === 'tool_call' || u.sessionUpdate === 'tool_call_update') && cur) {
      cur.closed = true;
    }
  }

  /** The turn's final message (trimmed), and forget it. */
  take(sessionId: string): string | undefined {
    const text = this.bySession.get(sessionId)?.text.trim();
    this.bySession.delete(sessionId);
    return text || undefined;
  }
}
