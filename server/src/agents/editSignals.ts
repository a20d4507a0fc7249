/**
 * Which ACP messages mean an agent's files just changed, so the changes projection refreshes
 * without waiting for the turn to end: an edit tool call completing (`tool_call_update` with
 * status completed, its kind `edit` there or on its `tool_call`), and Foundry's answer to the
 * agent's `fs/write_text_file` (the file is written by then).
 */
type Msg = { id?: unknown; method?: string; params?: { update?: { sessionUpdate?: string; toolCallId?: string; kind?: string; status?: string } } };

export class EditSignals {
  /** Per session: edit tool calls under way. */
  private readonly edits = new Map<string, Set<string>>();
  /** Per session: the agent's fs/write_text_file requests not answered yet. */
  private readonly writes = new Map<string, Set<unknown>>();

  changed(sessionId: string, sender: 'client' | 'agent', message: unknown): boolean {
    const m = message as Msg;
    if (sender === 'agent' && m.method === 'fs/write_text_file' && m.id !== undefined) {
      this.set(this.writes, sessionId).add(m.id);
      return false;
    }
    if (sender === 'client' && !m.method && m.id !== undefined) return this.writes.get(sessionId)?.delete(m.id) ?? false;
    const u = m.method === 'session/update' ? m.params?.update : undefined;
    if (sender !== 'agent' || !u?.toolCallId || (u.sessionUpdate !== 'tool_call' && u.sessionUpdate !== 'tool_call_update')) return false;
    const edits = this.set(this.edits, sessionId);
    if (u.kind === 'edit') edits.add(u.toolCallId);
    if (u.status !== 'completed' && u.status !== 'failed') return false;
    const wasEdit = edits.delete(u.toolCallId);
    return wasEdit && u.status === 'completed';
  }

  forget(sessionId: string): void {
    this.edits.delete(sessionId);
    this.writes.delete(sessionId);
  }

  private set<T>(map: Map<string, Set<T>>, key: string): Set<T> {
    let s = map.get(key);
    if (!s) map.set(key, (s = new Set()));
    return s;
  }
}
