/** Which `view/item/context` menu items of package.json a tree row offers, by its contextValue. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface MenuItem {
  command: string;
  when: string;
  group?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: { 'view/item/context': MenuItem[] } };
};

/** The commands (without `foundry.`) a row of `view` offers, inline (the buttons on hover) or in its context menu. */
export function menuActions(view: string, contextValue: string, where: 'inline' | 'menu'): string[] {
  const offered = manifest.contributes.menus['view/item/context'].filter((item) => {
    if (!item.when.includes(`view == ${view} `)) return false;
    if ((item.group?.startsWith('inline') ?? false) !== (where === 'inline')) return false;
    const match = /viewItem =~ \/(.+)\/$/.exec(item.when);
    assert.ok(match, `menu item ${item.command} matches on viewItem`);
    return new RegExp(match[1]).test(contextValue);
  });
  return offered.map((item) => item.command.replace('foundry.', '')).sort();
}
