/**
 * The GitHub repository action kinds. `create_pull_request` pushes the task's branch (the `push`
 * kind), then opens a pull request from it onto the repository's default branch (title: the
 * task's; body: its prompt and the agent's last summary; optionally a draft). `merge_pull_request`
 * merges the task's pull request with GitHub's merge method. Both leave the task's pull request
 * in the PR projection, read again at once, and fail in GitHub's own words.
 */
import type { TaskRow } from '../db/schema';
import { invalidState } from '../errors';
import { ActionFailure, type ActionContext, type ActionKind, type ActionResult } from '../actions/kinds';
import { gitHubErrorText } from './client';
import { pullRequestChanged, refreshPullRequest, rowFromPull } from './pullRequests';
import { GitHubUnavailable, type GitHubTarget } from './service';
import { toPullRequest } from '../store/summaries';

const BODY_MAX = 65_536;

function taskOf(ctx: ActionContext): TaskRow {
  if (!ctx.task) throw new ActionFailure('a pull request needs a task');
  return ctx.sc.store.task(ctx.task.id) ?? ctx.task;
}

async function targetOf(ctx: ActionContext): Promise<GitHubTarget> {
  try {
    return await ctx.sc.github.target(ctx.repo);
  } catch (e) {
    if (e instanceof GitHubUnavailable) throw new ActionFailure(e.message);
    throw e;
  }
}

/** Run a GitHub call; its failure is the action's, in GitHub's words. */
async function github<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new ActionFailure(gitHubErrorText(e));
  }
}

/** The default body: the prompt, then what the agent said it did. */
export function pullRequestBody(t: Pick<TaskRow, 'prompt' | 'last_summary'>): string {
  const parts = [t.prompt.trim()];
  const summary = t.last_summary?.trim();
  if (summary) parts.push(`## What the agent did\n\n${summary}`);
  const body = parts.filter(Boolean).join('\n\n');
  return body.length <= BODY_MAX ? body : `${body.slice(0, BODY_MAX - 1)}…`;
}

/** Store the pull request for the task, read its checks and reviews, push; the result's shape. */
async function follow(ctx: ActionContext, target: GitHubTarget, task: TaskRow, pull: Parameters<typeof rowFromPull>[2]): Promise<NonNullable<ActionResult>['pullRequest']> {
  const row = rowFromPull(task.id, ctx.repo.id, pull);
  ctx.sc.github.store.putPullRequest(row);
  pullRequestChanged(ctx.sc, row);
  const read = await refreshPullRequest(ctx.sc, target, row).catch(() => row);
  ctx.sc.overviews.refreshIfRead(ctx.repo.id);
  return toPullRequest(read);
}

/** The open pull request from the task's branch, if GitHub has one. */
async function openFromBranch(target: GitHubTarget, task: TaskRow) {
  const { data } = await target.client.rest.pulls.list({ owner: target.owner, repo: target.repo, state: 'open', head: `${target.owner}:${task.branch}`, per_page: 1 });
  return data[0];
}

async function createPullRequest(ctx: ActionContext): Promise<ActionResult> {
  const task = taskOf(ctx);
  const target = await targetOf(ctx);
  const pushed = await ctx.run('push');
  ctx.progress(`opening a pull request from ${task.branch} onto ${ctx.repo.default_branch}`);
  const { data } = await github(() =>
    target.client.rest.pulls.create({
      owner: target.owner,
      repo: target.repo,
      head: task.branch,
      base: ctx.repo.default_branch,
      title: ctx.params.title ?? task.title,
      body: ctx.params.body ?? pullRequestBody(task),
      draft: ctx.params.draft ?? false,
    }),
  );
  const pullRequest = await follow(ctx, target, task, data);
  ctx.finish(`opened pull request #${data.number}: ${data.html_url}`);
  return { ...(pushed?.upstream ? { upstream: pushed.upstream } : {}), pullRequest };
}

const create: ActionKind = {
  needsTask: true,
  run: createPullRequest,
  // Cut short after GitHub opened it: the open pull request from the branch is the result; else again.
  async afterRestart(ctx) {
    const task = taskOf(ctx);
    const target = await targetOf(ctx);
    const open = await github(() => openFromBranch(target, task));
    if (!open) return createPullRequest(ctx);
    const { data } = await github(() => target.client.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: open.number }));
    const pullRequest = await follow(ctx, target, task, data);
    ctx.finish(`opened pull request #${data.number} before the restart: ${data.html_url}`);
    return { pullRequest };
  },
};

function openPullRequestRow(ctx: ActionContext) {
  const row = ctx.sc.github.store.pullRequest(taskOf(ctx).id);
  if (!row) throw new ActionFailure('the task has no pull request');
  return row;
}

async function mergePullRequest(ctx: ActionContext): Promise<ActionResult> {
  const row = openPullRequestRow(ctx);
  const target = await targetOf(ctx);
  const method = ctx.params.mergeMethod ?? 'merge';
  ctx.progress(`merging pull request #${row.number} (${method})`);
  const { data } = await github(() => target.client.rest.pulls.merge({ owner: target.owner, repo: target.repo, pull_number: row.number, merge_method: method }));
  const read = await github(() => refreshPullRequest(ctx.sc, target, row));
  ctx.sc.overviews.refreshIfRead(ctx.repo.id);
  ctx.finish(`merged pull request #${row.number} into ${ctx.repo.default_branch} (${data.sha.slice(0, 7)})`);
  return { pullRequest: toPullRequest(read) };
}

const merge: ActionKind = {
  needsTask: true,
  check(sc, task) {
    const row = task && sc.github.store.pullRequest(task.id);
    if (!row || (row.state !== 'open' && row.state !== 'draft')) {
      throw invalidState('runRepoAction merge_pull_request', row?.state ?? 'no_pull_request', 'the task has no open pull request');
    }
  },
  run: mergePullRequest,
  // Cut short after GitHub merged it: merged is the result; else merge now.
  async afterRestart(ctx) {
    const row = openPullRequestRow(ctx);
    const target = await targetOf(ctx);
    const read = await github(() => refreshPullRequest(ctx.sc, target, row));
    if (read.state !== 'merged') return mergePullRequest(ctx);
    ctx.finish(`merged pull request #${row.number} before the restart`);
    return { pullRequest: toPullRequest(read) };
  },
};

export const githubActionKinds: Record<'create_pull_request' | 'merge_pull_request', ActionKind> = {
  create_pull_request: create,
  merge_pull_request: merge,
};
