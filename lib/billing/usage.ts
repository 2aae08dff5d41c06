/**
 * Usage tracking per organization and UTC day, at `["org", orgId, "usage", "YYYY-MM-DD", metric]`
 * (a `Deno.KvU64`):
 *
 * | metric | kind | written by |
 * | --- | --- | --- |
 * | `entriesCreated` | counter (`sum`) | the entry write path, in the commit that creates the entry (`lib/entries/repository.ts`) |
 * | `apiRequests` | counter (`sum`) | every `/api/v1/orgs/{orgId}/…` request that reached its organization, through the batched {@linkcode UsageMeter} |
 * | `apiRequests:key:<keyId>` | counter (`sum`) | the same requests made with API key `keyId` ({@linkcode UsageMeter.countKey}); {@linkcode readUsageDetail} reads them per key |
 * | `webhookDeliveries` | counter (`sum`) | every webhook attempt that made a request, in the commit that records it (`lib/webhooks/deliver.ts`) |
 * | `activeMembers` | gauge (`set`) | every membership change that adds or removes an active member, and each read of the billing page or API |
 * | `storageBytes` | gauge (`set`) | {@linkcode measureStorage}: at most once a day, when the billing page or API is read (or by a job) |
 *
 * Days are UTC days: usage is an operator's and a bill's concern, not a workday. A gauge keeps
 * its last value on days nobody recorded it ({@linkcode readUsage} carries it forward).
 *
 * `storageBytes` is an honest approximation: the UTF-8 length of every key's parts plus the JSON
 * length of every value under the organization's prefix (KV's own encoding and indexes differ by
 * a small factor). It costs one scan of the organization's keys, so it is measured at most once
 * per organization and day.
 *
 * @module
 */

import type { Atomic, Key, OrgScope, Store } from "../kv/mod.ts";

/** Every usage metric. */
export const USAGE_METRICS = [
  "activeMembers",
  "entriesCreated",
  "apiRequests",
  "storageBytes",
  "webhookDeliveries",
] as const;
/** A usage metric. */
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** Metrics that are counters (summed); the others are gauges (last value). */
export const COUNTER_METRICS = ["entriesCreated", "apiRequests", "webhookDeliveries"] as const;
/** A counter metric. */
export type CounterMetric = (typeof COUNTER_METRICS)[number];
/** A gauge metric. */
export type GaugeMetric = Exclude<UsageMetric, CounterMetric>;

/** Days of history shown by the billing page and API. */
export const USAGE_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

/**
 * The UTC day of `ms` as `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * usageDay(Date.UTC(2026, 10, 2, 23, 59)); // "2026-11-02"
 * ```
 */
export function usageDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The metric name of API requests made with key `keyId`. */
export const KEY_METRIC_PREFIX = "apiRequests:key:";

function usageKey(
  scope: OrgScope,
  day: string,
  metric: UsageMetric | `apiRequests:key:${string}`,
): Key {
  return scope.key("usage", day, metric);
}

/** Add `n` to counter `metric` of the day of `now`, inside `op` (the write it counts). */
export function addUsage(
  op: Atomic,
  scope: OrgScope,
  metric: CounterMetric,
  n: number,
  now: number,
): Atomic {
  return op.sum(usageKey(scope, usageDay(now), metric), BigInt(n));
}

/** Set gauge `metric` of the day of `now` to `value`, inside `op`. */
export function setGauge(
  op: Atomic,
  scope: OrgScope,
  metric: GaugeMetric,
  value: number,
  now: number,
): Atomic {
  return op.set(
    usageKey(scope, usageDay(now), metric),
    new Deno.KvU64(BigInt(Math.max(0, Math.round(value)))),
  );
}

/** Record one webhook delivery of the organization (for the webhooks feature). */
export async function recordWebhookDelivery(scope: OrgScope, now: number): Promise<void> {
  await addUsage(scope.atomic(), scope, "webhookDeliveries", 1, now).commit();
}

/** Record today's number of active members (a gauge). */
export async function recordActiveMembers(
  scope: OrgScope,
  count: number,
  now: number,
): Promise<void> {
  await setGauge(scope.atomic(), scope, "activeMembers", count, now).commit();
}

const encoder = new TextEncoder();

function keyBytes(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string") n += encoder.encode(part).length + 2;
    else if (part instanceof Uint8Array) n += part.length + 2;
    else n += 9;
  }
  return n;
}

function valueBytes(value: unknown): number {
  if (value instanceof Deno.KvU64) return 8;
  if (value instanceof Uint8Array) return value.length;
  const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return text === undefined ? 0 : encoder.encode(text).length;
}

/**
 * Estimate the bytes the organization stores (keys and values under its prefix) and record them
 * as today's `storageBytes` gauge. Unless `force`, a measurement already made today is returned
 * without scanning again.
 */
export async function measureStorage(
  scope: OrgScope,
  now: number,
  options: { force?: boolean } = {},
): Promise<number> {
  const key = usageKey(scope, usageDay(now), "storageBytes");
  if (!options.force) {
    const known = await scope.getKey<Deno.KvU64>(key);
    if (known.value) return Number(known.value.value);
  }
  let bytes = 0;
  for await (const e of scope.list<unknown>(scope.key())) {
    bytes += keyBytes(e.key) + valueBytes(e.value);
  }
  await setGauge(scope.atomic(), scope, "storageBytes", bytes, now).commit();
  return bytes;
}

/** One day of usage. Gauges are null before their first recorded value. */
export interface UsageDay {
  date: string;
  activeMembers: number | null;
  entriesCreated: number;
  apiRequests: number;
  storageBytes: number | null;
  webhookDeliveries: number;
}

/** API requests made with one key: today and over the days read. */
export interface KeyUsage {
  keyId: string;
  today: number;
  total: number;
}

/**
 * The last `days` UTC days of usage up to the day of `now` (oldest first): one range scan of at
 * most `days × 5` keys. Gauges carry their last value forward over days without one.
 */
export async function readUsage(
  scope: OrgScope,
  now: number,
  days: number = USAGE_DAYS,
): Promise<UsageDay[]> {
  return (await readUsageDetail(scope, now, days)).series;
}

/**
 * {@linkcode readUsage} and, from the same range scan, the API requests of each key (most used
 * first; keys without requests in the days read are absent).
 */
export async function readUsageDetail(
  scope: OrgScope,
  now: number,
  days: number = USAGE_DAYS,
): Promise<{ series: UsageDay[]; keys: KeyUsage[] }> {
  await flushUsageMeters();
  const first = usageDay(now - (days - 1) * DAY_MS);
  const afterLast = usageDay(now + DAY_MS);
  const todayDate = usageDay(now);
  const found = new Map<string, Partial<Record<UsageMetric, number>>>();
  const byKey = new Map<string, KeyUsage>();
  for await (
    const e of scope.list<Deno.KvU64>(scope.key("usage"), {
      start: scope.key("usage", first),
      end: scope.key("usage", afterLast),
    })
  ) {
    const [day, metric] = [e.key[3] as string, e.key[4] as string];
    const n = e.value instanceof Deno.KvU64 ? Number(e.value.value) : 0;
    if (metric.startsWith(KEY_METRIC_PREFIX)) {
      const keyId = metric.slice(KEY_METRIC_PREFIX.length);
      const k = byKey.get(keyId) ?? { keyId, today: 0, total: 0 };
      k.total += n;
      if (day === todayDate) k.today += n;
      byKey.set(keyId, k);
      continue;
    }
    if (!(USAGE_METRICS as readonly string[]).includes(metric)) continue;
    const row = found.get(day) ?? {};
    row[metric as UsageMetric] = n;
    found.set(day, row);
  }
  const out: UsageDay[] = [];
  let members: number | null = null;
  let storage: number | null = null;
  for (let i = days - 1; i >= 0; i--) {
    const date = usageDay(now - i * DAY_MS);
    const row = found.get(date) ?? {};
    members = row.activeMembers ?? members;
    storage = row.storageBytes ?? storage;
    out.push({
      date,
      activeMembers: members,
      entriesCreated: row.entriesCreated ?? 0,
      apiRequests: row.apiRequests ?? 0,
      storageBytes: storage,
      webhookDeliveries: row.webhookDeliveries ?? 0,
    });
  }
  const keys = [...byKey.values()].sort((a, b) =>
    b.total - a.total || a.keyId.localeCompare(b.keyId)
  );
  return { series: out, keys };
}

interface Pending {
  key: Key;
  n: bigint;
}

/** How long increments may wait in memory before a request commits them. */
export const METER_MAX_DELAY_MS = 250;

/**
 * A batched writer for counters that are not part of another write (API requests). Increments
 * are summed in memory; the first increment that finds the oldest pending one at least
 * {@linkcode METER_MAX_DELAY_MS} old commits them all, and only that caller waits for the commit.
 * So under load a few commits a second carry every count (the local KV pays one fsync per
 * commit, and requests should not each pay for one), and no timer is left running between
 * requests. Readers call {@linkcode UsageMeter.flush} first ({@linkcode readUsage} does), so they
 * see every increment counted before they read. At most the last quarter second of counts is lost
 * if the process dies.
 */
export class UsageMeter {
  readonly #store: Store;
  #pending = new Map<string, Pending>();
  #oldest = 0;
  #inflight: Promise<void> | null = null;

  /** A meter writing to `store`. Use {@linkcode usageMeter} to share one per store. */
  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Add `n` to counter `metric` of the day of `now`. Resolves at once, or, for the increment
   * that triggers a commit of the batch, when that commit is done.
   */
  count(scope: OrgScope, metric: CounterMetric, n: number, now: number): Promise<void> {
    return this.#add(scope, metric, n, now);
  }

  /** Add `n` to the API requests of key `keyId` (beside the organization's `apiRequests`). */
  countKey(scope: OrgScope, keyId: string, n: number, now: number): Promise<void> {
    return this.#add(scope, `${KEY_METRIC_PREFIX}${keyId}`, n, now);
  }

  #add(
    scope: OrgScope,
    metric: CounterMetric | `apiRequests:key:${string}`,
    n: number,
    now: number,
  ): Promise<void> {
    const day = usageDay(now);
    const id = `${scope.orgId}\u0000${day}\u0000${metric}`;
    const p = this.#pending.get(id);
    if (this.#pending.size === 0) this.#oldest = performance.now();
    if (p) p.n += BigInt(n);
    else this.#pending.set(id, { key: usageKey(scope, day, metric), n: BigInt(n) });
    const due = performance.now() - this.#oldest >= METER_MAX_DELAY_MS || this.#pending.size >= 500;
    return due && !this.#inflight ? this.flush() : Promise.resolve();
  }

  /** Commit every pending increment (waiting for a commit already in flight first). */
  async flush(): Promise<void> {
    while (this.#inflight) await this.#inflight;
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.entries()];
    this.#pending = new Map();
    this.#inflight = (async () => {
      // 1000 mutations per atomic is the KV limit; stay well under it.
      for (let i = 0; i < batch.length; i += 500) {
        const chunk = batch.slice(i, i + 500);
        try {
          const op = this.#store.atomic();
          for (const [, p] of chunk) op.sum(p.key, p.n);
          await op.commit();
        } catch (err) {
          // Not stored: keep every count not yet committed for the next flush.
          for (const [id, p] of batch.slice(i)) {
            const again = this.#pending.get(id);
            if (again) again.n += p.n;
            else this.#pending.set(id, p);
          }
          if (this.#pending.size) this.#oldest = Math.min(this.#oldest, performance.now());
          throw err;
        }
      }
    })();
    try {
      await this.#inflight;
    } finally {
      this.#inflight = null;
    }
  }
}

const meters = new WeakMap<Store, UsageMeter>();
const liveMeters = new Set<WeakRef<UsageMeter>>();

/** The meter of `store` (one per store, shared by every request). */
export function usageMeter(store: Store): UsageMeter {
  let m = meters.get(store);
  if (!m) {
    m = new UsageMeter(store);
    meters.set(store, m);
    liveMeters.add(new WeakRef(m));
  }
  return m;
}

/**
 * Commit what every meter of this process holds, so a reader sees every count made before it
 * read. Readers hold only an organization's scope (no store), hence all meters.
 */
export async function flushUsageMeters(): Promise<void> {
  const flushes: Promise<void>[] = [];
  for (const ref of liveMeters) {
    const m = ref.deref();
    if (m) flushes.push(m.flush());
    else liveMeters.delete(ref);
  }
  // A meter whose commit fails keeps its counts for its next flush; the read goes on.
  await Promise.allSettled(flushes);
}
