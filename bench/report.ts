/**
 * Printing results: a fixed-width Markdown table, medians over rounds, and the comparison of
 * each app endpoint with its baseline against the target (at least half the baseline's
 * throughput, p95 latency at most twice the baseline's).
 *
 * @module
 */

import type { WrkResult } from "./wrk.ts";
import { NOISE_LIMIT } from "./measure.ts";

/** One measured row. */
export interface Row {
  scenario: string;
  server: string;
  /** Round number from 1, or "median". */
  round: string;
  result: WrkResult;
  /** Share of a core other processes used meanwhile (0.3 = 30%). */
  noise?: number;
}

/** The target: app throughput ≥ 0.5 × baseline, app p95 ≤ 2 × baseline p95. */
export const TARGET = { minThroughputRatio: 0.5, maxP95Ratio: 2 };

/** A comparison of an app row with its baseline row. */
export interface Comparison {
  scenario: string;
  throughputRatio: number;
  p95Ratio: number;
  met: boolean;
}

/** Compare `app` with `baseline`. */
export function compare(scenario: string, app: WrkResult, baseline: WrkResult): Comparison {
  const throughputRatio = app.rps / baseline.rps;
  const p95Ratio = app.p95 / baseline.p95;
  return {
    scenario,
    throughputRatio,
    p95Ratio,
    met: throughputRatio >= TARGET.minThroughputRatio && p95Ratio <= TARGET.maxP95Ratio &&
      app.non2xx === 0 && app.socketErrors === 0,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * One row per scenario and server whose every figure is the median of that figure over the
 * quiet rounds (rounds flagged noisy are left out unless every round was noisy).
 */
export function medians(rows: Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.scenario}\u0000${r.server}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((all) => {
    const quiet = all.filter((r) => (r.noise ?? 0) < NOISE_LIMIT);
    const g = quiet.length ? quiet : all;
    const result = Object.fromEntries(
      Object.keys(g[0].result).map((f) => [
        f,
        median(g.map((r) => r.result[f as keyof WrkResult])),
      ]),
    ) as unknown as WrkResult;
    result.non2xx = all.reduce((a, r) => a + r.result.non2xx, 0);
    result.socketErrors = all.reduce((a, r) => a + r.result.socketErrors, 0);
    const round = quiet.length === all.length
      ? "median"
      : quiet.length
      ? `median of ${quiet.length} quiet`
      : "median (all noisy)";
    const noise = quiet.length ? 0 : Math.min(...all.map((r) => r.noise ?? 0));
    return { scenario: g[0].scenario, server: g[0].server, round, result, noise };
  });
}

/** The rows as a Markdown table. */
export function table(rows: Row[]): string {
  const head = ["scenario", "server", "round", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms"];
  const lines = rows.map(({ scenario, server, round, result: r }) => [
    scenario,
    server,
    round,
    r.requests.toFixed(0),
    r.rps.toFixed(0),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
    r.p99.toFixed(2),
  ]);
  const notes = rows.map(({ result: r, noise }) =>
    (r.non2xx + r.socketErrors === 0
      ? ""
      : ` errors: ${r.non2xx} non-2xx, ${r.socketErrors} socket`) +
    ((noise ?? 0) < NOISE_LIMIT
      ? ""
      : ` noisy: other processes used ${(noise! * 100).toFixed(0)}% of a core`)
  );
  const all = [head, ...lines];
  const widths = head.map((_, i) => Math.max(...all.map((l) => l[i].length)));
  const left = 3;
  const fmt = (l: string[]) =>
    "| " + l.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") +
    " |";
  const rule = "|" +
    widths.map((w, i) => (i < left ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [fmt(head), rule, ...lines.map((l, i) => fmt(l) + notes[i])].join("\n");
}

/** The scenarios the issue sets the target for (the others are measured for the record). */
export const TARGETED = new Set(["clock in/out"]);

/** One line per comparison; the verdict only where the issue sets a target. */
export function verdicts(comparisons: Comparison[]): string {
  return comparisons.map((c) => {
    const ratios = `${c.scenario}: throughput ${c.throughputRatio.toFixed(2)}× baseline, ` +
      `p95 ${c.p95Ratio.toFixed(2)}× baseline`;
    if (!TARGETED.has(c.scenario)) return `${ratios} (figures only: no target for this scenario)`;
    return `${ratios} (target ≥ ${TARGET.minThroughputRatio}× and ≤ ${TARGET.maxP95Ratio}×) → ` +
      (c.met ? "TARGET MET" : "TARGET NOT MET");
  }).join("\n");
}
