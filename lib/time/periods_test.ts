import { equal } from "node:assert/strict";
import { periodContaining, periodsBetween } from "./periods.ts";

const d = (s: string) => Temporal.PlainDate.from(s);
const show = (p: { start: Temporal.PlainDate; end: Temporal.PlainDate }) => `${p.start}..${p.end}`;

Deno.test("weekly and biweekly periods follow the anchor, also before it", () => {
  equal(
    show(periodContaining(d("2026-11-26"), { type: "weekly", anchorDate: "2026-01-05" })),
    "2026-11-23..2026-11-29",
  );
  equal(
    show(periodContaining(d("2026-11-26"), { type: "biweekly", anchorDate: "2026-01-05" })),
    "2026-11-23..2026-12-06",
  );
  equal(
    show(periodContaining(d("2025-12-31"), { type: "biweekly", anchorDate: "2026-01-05" })),
    "2025-12-22..2026-01-04",
  );
});

Deno.test("semimonthly: 1st–15th and 16th–end of month, February included", () => {
  equal(
    show(periodContaining(d("2026-02-15"), { type: "semimonthly", anchorDate: "2026-01-01" })),
    "2026-02-01..2026-02-15",
  );
  equal(
    show(periodContaining(d("2026-02-16"), { type: "semimonthly", anchorDate: "2026-01-01" })),
    "2026-02-16..2026-02-28",
  );
  equal(
    show(periodContaining(d("2028-02-20"), { type: "semimonthly", anchorDate: "2026-01-01" })),
    "2028-02-16..2028-02-29",
  );
});

Deno.test("monthly: calendar months, or from the anchor's day of month (clamped)", () => {
  equal(
    show(periodContaining(d("2026-11-26"), { type: "monthly", anchorDate: "2026-01-01" })),
    "2026-11-01..2026-11-30",
  );
  equal(
    show(periodContaining(d("2026-11-26"), { type: "monthly", anchorDate: "2026-01-20" })),
    "2026-11-20..2026-12-19",
  );
  equal(
    show(periodContaining(d("2026-11-05"), { type: "monthly", anchorDate: "2026-01-20" })),
    "2026-10-20..2026-11-19",
  );
  equal(
    show(periodContaining(d("2026-02-28"), { type: "monthly", anchorDate: "2026-01-31" })),
    "2026-02-28..2026-03-30",
  );
});

Deno.test("periods cover a range without gaps or overlaps", () => {
  for (const type of ["weekly", "biweekly", "semimonthly", "monthly"] as const) {
    const ps = periodsBetween(d("2026-01-01"), d("2026-12-31"), { type, anchorDate: "2026-01-31" });
    for (let i = 1; i < ps.length; i++) {
      equal(ps[i].start.toString(), ps[i - 1].end.add({ days: 1 }).toString());
    }
    equal(Temporal.PlainDate.compare(ps[0].start, d("2026-01-01")) <= 0, true);
    equal(Temporal.PlainDate.compare(ps.at(-1)!.end, d("2026-12-31")) >= 0, true);
  }
});
