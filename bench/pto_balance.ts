/**
 * Benchmark of a PTO balance read for a member hired long ago (issue #7, defect 3: a hire date in
 * year 0001 made one read replay two thousand years, ~18 s with the event loop blocked).
 *
 * ```sh
 * deno run -A bench/pto_balance.ts                      # hired 0001-01-01, worked 2000 → today
 * deno run -A bench/pto_balance.ts --hire=2015-01-01 --worked-from=2015-01-05 --runs=9
 * ```
 *
 * - One organization on an in-memory store, one member with `--hire` written directly (old data,
 *   as a validation of long ago let it through) and 8 h entries every weekday from
 *   `--worked-from` through yesterday, imported with `importEntries`. Loading is not measured.
 * - Settings: a per-hours vacation type (1 h per 30 h, caps) and an annual grant, biweekly pay.
 * - Measured, `--runs` times each after a warm-up (median and max): a read that misses its
 *   checkpoints (a full replay, from 2000-01-01 at most, as after a correction of an old entry),
 *   a read that uses them, and a read that uses them after new work was recorded (the member's
 *   entries changed, so the read fingerprints the old ones once).
 *
 * Measured here (2 shared cores, 2026-12-02), median / max of 5:
 *
 * | hired, entries | checkpoint missed | from the checkpoint | …after new work |
 * | --- | --- | --- | --- |
 * | 0001-01-01, 7,000 (2000 → today) | 168 / 204 ms | 13 / 91 ms | 66 / 94 ms |
 * | 0001-01-01, 740 (2024 → today) | 105 / 107 ms | 13 / 52 ms | 12 / 14 ms |
 * | 0001-01-01, 22 (October 2026) | 64 / 67 ms | 6 / 28 ms | 6 / 6 ms |
 *
 * Before the checkpoints, the hire date alone cost ~18 s per read (the replay ran from year 1).
 * A checkpointed read does calendar work for at most three years; the one cost that still grows
 * with history is the fingerprint of the old entries, paid only by the first read after the
 * member's entries changed (a range scan and a SHA-256, no calendar work).
 *
 * @module
 */

import { BENCH_PTO_TYPES } from "./pto_types.ts";
import { userPrincipal } from "../lib/principal.ts";
import { parseArgs } from "node:util";
import { Store } from "../lib/kv/mod.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember, getMembership } from "../lib/members/members.ts";
import { importEntries, newEntryId } from "../lib/entries/repository.ts";
import type { TimeEntry } from "../lib/entries/model.ts";
import { getSettings, updateSettings } from "../lib/settings/repository.ts";
import { memberBalances } from "../lib/pto/balance.ts";
import { clearCheckpoints, saveCheckpoints } from "../lib/pto/checkpoints.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    hire: { type: "string", default: "0001-01-01" },
    "worked-from": { type: "string", default: "2000-01-03" },
    runs: { type: "string", default: "5" },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const TZ = "America/Chicago";
const NOW = Date.UTC(2026, 10, 2, 18, 0, 0);
const H = 3600;

const TYPES = BENCH_PTO_TYPES;

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

const store = await Store.open(":memory:");
try {
  const { org, user } = await signUp(store, {
    organization: { name: "Bench PTO", timeZone: TZ },
    user: { name: "Admin", email: "admin@bench-pto.example.com", passwordHash: "bench-no-login" },
  }, NOW);
  const scope = (await store.scopeForMember(user.id, org.id))!;
  await updateSettings(
    scope,
    userPrincipal(user.id),
    {
      pto: { types: TYPES },
      payPeriod: { type: "biweekly", anchorDate: "2026-01-05" },
    },
    undefined,
    NOW,
  );
  const member = await addMember(scope, user.id, { name: "Old Timer", role: "employee" }, NOW);
  const m = (await getMembership(scope, member.id))!;
  await scope.atomic().set(scope.key("member", member.id), { ...m.value, hireDate: args.hire })
    .commit();

  const entries: TimeEntry[] = [];
  const today = Temporal.Instant.fromEpochMilliseconds(NOW).toZonedDateTimeISO(TZ).toPlainDate();
  for (
    let d = Temporal.PlainDate.from(args["worked-from"]);
    Temporal.PlainDate.compare(d, today) < 0;
    d = d.add({ days: 1 })
  ) {
    if (d.dayOfWeek > 5) continue;
    const start = d.toZonedDateTime({ timeZone: TZ, plainTime: "09:00" }).epochMilliseconds;
    entries.push({
      id: newEntryId(NOW),
      userId: member.id,
      start,
      end: start + 8 * H * 1000,
      breaks: [],
      note: null,
      locationId: null,
      clockInGeo: null,
      clockOutGeo: null,
      source: "manual",
      createdAt: NOW,
      updatedAt: NOW,
    });
  }
  for (let i = 0; i < entries.length; i += 150) {
    await importEntries(scope, member.id, entries.slice(i, i + 150), user.id, "bench", NOW);
  }

  const settings = (await getSettings(scope)).settings;
  const membership = (await getMembership(scope, member.id))!.value;
  const read = async () => await memberBalances(scope, settings, membership, NOW);
  const time = async (before: () => Promise<void>) => {
    const out: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      await before();
      const t = performance.now();
      const position = await read();
      const ms = performance.now() - t;
      await saveCheckpoints(scope, member.id, position.checkpoints);
      if (i > 0) out.push(ms);
    }
    return stats(out);
  };
  const miss = await time(() => clearCheckpoints(scope, member.id));
  const hit = await time(async () => {});
  let punches = 0;
  const afterWork = await time(async () => {
    // New work today changes the member's entries (not the old ones): the next read checks the
    // old entries' fingerprint once.
    const start = today.toZonedDateTime({ timeZone: TZ, plainTime: "01:00" }).epochMilliseconds +
      punches++ * 15 * 60_000;
    await importEntries(
      scope,
      member.id,
      [{
        ...entries[0],
        id: newEntryId(NOW),
        start,
        end: start + 10 * 60_000,
      }],
      user.id,
      "bench",
      NOW,
    );
  });
  const position = await read();
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `hired ${args.hire}, ${entries.length} entries from ${args["worked-from"]}; balances ${
      position.balances.map((b) => `${b.type.id} ${(b.balanceSeconds / H).toFixed(2)} h`)
        .join(", ")
    }`,
  );
  console.log("| read | median | max |");
  console.log("| --- | --- | --- |");
  console.log(`| checkpoint missed (full replay) | ${f(miss.median)} | ${f(miss.max)} |`);
  console.log(`| from the checkpoint | ${f(hit.median)} | ${f(hit.max)} |`);
  console.log(
    `| from the checkpoint, after new work | ${f(afterWork.median)} | ${f(afterWork.max)} |`,
  );
} finally {
  store.close();
}
