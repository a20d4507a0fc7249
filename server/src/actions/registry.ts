/** Every repository action kind, by name: the git ones and the GitHub ones. */
import type { RepoActionKind } from '../../../shared/protocol';
import type { ActionKind } from './kinds';
import { gitActionKinds } from './gitKinds';
import { githubActionKinds } from '../github/actions';
import { providerActionKinds } from './providerKinds';

export const ACTION_KINDS: Record<RepoActionKind, ActionKind> = { ...gitActionKinds, ...githubActionKinds, ...providerActionKinds };
