// Times shown beside user messages and turn ends (webview/src/timeFormat.ts).
// Run: node --test webview/test/*.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './bundle.mjs';

const { shortTime, fullTime } = await load('webview/src/timeFormat.ts');
const utc = { locale: 'en-US', timeZone: 'UTC' };
const now = Date.UTC(2026, 2, 3, 18, 0);

test('the short time: the clock today, the day before that, the year in another year', () => {
  assert.equal(shortTime(Date.UTC(2026, 2, 3, 14, 5), now, utc), '02:05 PM');
  assert.equal(shortTime(Date.UTC(2026, 2, 2, 23, 59), now, utc), 'Mar 2, 11:59 PM');
  assert.equal(shortTime(Date.UTC(2025, 11, 31, 9, 0), now, utc), 'Dec 31, 2025, 09:00 AM');
  // "Today" is the viewer's day: 01:00 UTC on the 4th is still the 3rd in New York.
  assert.equal(shortTime(Date.UTC(2026, 2, 4, 1, 0), now, { locale: 'en-US', timeZone: 'America/New_York' }), '08:00 PM');
  assert.equal(shortTime(Date.UTC(2026, 2, 3, 14, 5), now, { locale: 'en-GB', timeZone: 'UTC' }), '14:05');
});

test('the tooltip: the full date and time', () => {
  assert.equal(fullTime(Date.UTC(2026, 2, 3, 14, 5, 9), utc), 'Tuesday, March 3, 2026 at 2:05:09 PM');
});
