/** Explicit disposal: everything registered goes into a scope disposed with its owner. */
import type * as vscode from 'vscode';

export class DisposableScope implements vscode.Disposable {
  private items: vscode.Disposable[] = [];
  private disposed = false;

  register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch {
        // One failing disposal must not keep the rest alive.
      }
    }
  }
}
