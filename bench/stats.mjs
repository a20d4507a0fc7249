// Small statistics, formatting and sampling helpers shared by the benchmark's sections.
import { readFileSync } from 'node:fs';
import { Requests } from '../shared/protocol.ts';

export function percentile(samples, p) {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const ms = (v, digits = 3) => `${v.toFixed(digits)} ms`;
export const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

/** A numeric env knob for quick runs, e.g. `BENCH_SAMPLES=20 npm run bench`. */
export const knob = (name, fallback) => Number(process.env[name] ?? fallback);

const started = performance.now();
/** A progress line, stamped with the seconds since the benchmark started. */
export const log = (m) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${m}`);

export function summary(name, samples) {
  return { name, n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) };
}

/** A table row {[key]: name, n, p50, p99, max, 'p50 / <base>'} for `samples` against the baseline p50. */
export function latencyRow(name, samples, baseP50, { key = 'request', base = 'ping p50', digits = 3 } = {}) {
  const s = summary(name, samples);
  return { [key]: name, n: s.n, p50: ms(s.p50, digits), p99: ms(s.p99, digits), max: ms(s.max, digits), [`p50 / ${base}`]: ratio(s.p50, baseP50) };
}

/** Columns of latencyRow's rows. */
export const latencyCols = (key = 'request', base = 'ping p50') => [key, 'n', 'p50', 'p99', 'max', `p50 / ${base}`];

export function table(rows, cols) {
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n');
}

export async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

/** One timed `foundry/ping` round trip on `client`. */
export const ping = async (client) => (await timed(() => client.request(Requests.Ping.method, {})))[0];

/** `n` timed pings, one after the other. */
export async function pings(client, n) {
  const s = [];
  for (let i = 0; i < n; i++) s.push(await ping(client));
  return s;
}

/** Resident set size of process `pid` in KiB (Linux: VmRSS of /proc/<pid>/status). */
export function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

export const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
