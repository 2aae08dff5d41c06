/**
 * One measured row: a warm-up run, an optional reset, then the measured run, with the CPU the
 * server process (per thread), the bench with wrk, and every other process used meanwhile.
 * Rows disturbed by other processes are measured again.
 *
 * @module
 */

import { type CpuUsage, snapshot, usage, waitForQuiet } from "./cpu.ts";
import type { ServerProcess } from "./process.ts";
import { runWrk, type WrkRequest, type WrkResult } from "./wrk.ts";

/** Load settings shared by every row. */
export interface LoadSettings {
  connections: number;
  /** Seconds of warm-up load, not measured. */
  warmup: number;
  /** Seconds of measured load. */
  duration: number;
  /** Folder for wrk's scripts. */
  workDir: string;
}

/** A measured row with the CPU seconds used during the measured run. */
export interface Measured {
  result: WrkResult;
  cpu: CpuUsage;
}

/** Warm `server` up with `requests`, run `beforeMeasuring`, then measure. */
export async function measure(
  server: ServerProcess,
  requests: WrkRequest[],
  s: LoadSettings,
  beforeMeasuring?: () => Promise<unknown>,
): Promise<Measured> {
  const base = {
    baseUrl: server.baseUrl,
    requests,
    connections: s.connections,
    workDir: s.workDir,
  };
  if (s.warmup > 0) await runWrk({ ...base, durationSeconds: s.warmup });
  await beforeMeasuring?.();
  const before = await snapshot(server.pid);
  const result = await runWrk({ ...base, durationSeconds: s.duration });
  const cpu = usage(before, await snapshot(server.pid));
  return { result, cpu };
}

/** Share of one core that other processes may use during a row before it is measured again. */
export const NOISE_LIMIT = 0.25;

/**
 * {@linkcode measure}, after waiting (at most 30 s) for the rest of the machine to be quiet;
 * a row during which other processes used more than {@linkcode NOISE_LIMIT} of a core is
 * measured again, at most `attempts` times in all. `noise` is that share for the row kept.
 */
export async function measureQuietly(
  server: ServerProcess,
  requests: WrkRequest[],
  s: LoadSettings,
  beforeMeasuring?: () => Promise<unknown>,
  attempts = 3,
): Promise<Measured & { noise: number }> {
  for (let attempt = 1;; attempt++) {
    await waitForQuiet(30);
    const m = await measure(server, requests, s, beforeMeasuring);
    const noise = m.cpu.others / m.result.seconds;
    if (noise < NOISE_LIMIT || attempt >= attempts) return { ...m, noise };
  }
}
