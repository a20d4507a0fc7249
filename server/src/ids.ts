import { randomBytes } from 'node:crypto';

/** Permanent public ids: a kind prefix and 12 random hex digits. */
export const newId = (prefix: 'repo' | 'task' | 'ses' | 'turn' | 'msg' | 'rev' | 'act' | 'rc' | 'cp' | 'rst') => `${prefix}_${randomBytes(6).toString('hex')}`;
