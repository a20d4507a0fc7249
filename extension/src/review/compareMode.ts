/**
 * What the diffs compare the worktree with: the base (default) or the branch's HEAD. One choice
 * for the window, remembered across reloads, and mirrored in the `foundry.compareWith` context key
 * that picks which of "Compare with HEAD" / "Compare with Base" the menus offer.
 */
import * as vscode from 'vscode';
import type { Against } from './reviewPresentation';

const Key = 'foundry.compareWith';

export class CompareMode implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Against>();
  readonly onDidChange = this.changed.event;
  private value: Against;

  constructor(private readonly memento: vscode.Memento) {
    this.value = memento.get<Against>(Key) === 'head' ? 'head' : 'base';
    void vscode.commands.executeCommand('setContext', Key, this.value);
  }

  get against(): Against {
    return this.value;
  }

  set(against: Against): void {
    if (against === this.value) return;
    this.value = against;
    void this.memento.update(Key, against);
    void vscode.commands.executeCommand('setContext', Key, against);
    this.changed.fire(against);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
