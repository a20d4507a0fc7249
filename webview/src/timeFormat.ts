/**
 * How the chat tab shows when something happened: a short time beside user messages and turn ends,
 * the full date in its tooltip. Pure; `locale` and `timeZone` default to the webview's.
 */

export interface TimeOptions {
  readonly locale?: string;
  readonly timeZone?: string;
}

/** "14:05" today, "Mar 3, 14:05" earlier this year, "Mar 3, 2025, 14:05" before that. */
export function shortTime(at: number, now: number, options: TimeOptions = {}): string {
  const day = formatter(options, 'day', { year: 'numeric', month: '2-digit', day: '2-digit' }, 'en-CA');
  const time = { hour: '2-digit', minute: '2-digit' } as const;
  if (day.format(at) === day.format(now)) return formatter(options, 'time', time).format(at);
  const year = formatter(options, 'year', { year: 'numeric' }, 'en-CA');
  if (year.format(at) === year.format(now)) return formatter(options, 'date', { ...time, month: 'short', day: 'numeric' }).format(at);
  return formatter(options, 'dateYear', { ...time, month: 'short', day: 'numeric', year: 'numeric' }).format(at);
}

/** "Tuesday, March 3, 2026 at 2:05:09 PM" (in the locale's words). */
export function fullTime(at: number, options: TimeOptions = {}): string {
  return formatter(options, 'full', { dateStyle: 'full', timeStyle: 'medium' }).format(at);
}

/** Formatters are costly to build and a transcript formats hundreds of times: one per shape. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: TimeOptions, shape: string, format: Intl.DateTimeFormatOptions, fixedLocale?: string): Intl.DateTimeFormat {
  const locale = fixedLocale ?? options.locale;
  const key = `${shape}|${locale ?? ''}|${options.timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...format, timeZone: options.timeZone });
    formatters.set(key, f);
  }
  return f;
}
