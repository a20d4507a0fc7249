/**
 * Which repositories a window's explorer shows: those of its workspace folders, or - with "Show
 * All Repositories" - every repository the user's sidecar knows. A repository is matched by its
 * identity (the main working tree of its common git folder, see repoIdentity.ts), so a folder
 * opened through a symlink or one of the repository's worktrees still shows its repository.
 * Pure: no `vscode`, so it is unit-tested.
 */
import type { Repo } from '../../../shared/protocol';
import { Emitter, type Event } from '../emitter';

export class RepoScope {
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;
  private all = false;
  private paths = new Set<string>();

  get showAll(): boolean {
    return this.all;
  }

  setShowAll(all: boolean): void {
    if (this.all === all) return;
    this.all = all;
    this.changed.fire();
  }

  /** The identities (real paths of main working trees) of this window's workspace folders. */
  setWorkspaceRepos(paths: Iterable<string>): void {
    const next = new Set(paths);
    if (next.size === this.paths.size && [...next].every((p) => this.paths.has(p))) return;
    this.paths = next;
    this.changed.fire();
  }

  includes(repo: Repo): boolean {
    return this.all || this.paths.has(repo.path);
  }

  visible(repos: readonly Repo[]): Repo[] {
    return repos.filter((r) => this.includes(r));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
