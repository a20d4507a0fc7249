/** Every CLI command, in the order `foundry --help` lists them. */
import type { Command } from './command';
import { create } from './create';
import { log } from './log';
import { send } from './send';
import { tasks } from './tasks';
import { watch } from './watch';

export const Commands: readonly Command[] = [tasks, create, send, watch, log];
