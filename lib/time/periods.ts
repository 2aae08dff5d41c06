/**
 * Pay periods: which period contains a local date, for weekly, biweekly, semimonthly and monthly
 * schedules. Dates are local calendar dates (`Temporal.PlainDate`); ends are inclusive.
 *
 * @module
 */

/** A pay schedule: its type and a date one period starts on. */
export interface PaySchedule {
  type: "weekly" | "biweekly" | "semimonthly" | "monthly";
  /** `YYYY-MM-DD`: a day a period starts (weekly/biweekly: the cycle; monthly: the day of month). */
  anchorDate: string;
}

/** A pay period, both ends inclusive. */
export interface Period {
  start: Temporal.PlainDate;
  end: Temporal.PlainDate;
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function monthStartOn(year: number, month: number, day: number): Temporal.PlainDate {
  const first = Temporal.PlainDate.from({ year, month, day: 1 });
  return first.with({ day: Math.min(day, first.daysInMonth) });
}

/**
 * The pay period containing `date`.
 *
 * @example
 * ```ts
 * periodContaining(Temporal.PlainDate.from("2026-11-20"), { type: "semimonthly", anchorDate: "2026-01-01" });
 * // { start: 2026-11-16, end: 2026-11-30 }
 * ```
 */
export function periodContaining(date: Temporal.PlainDate, schedule: PaySchedule): Period {
  const anchor = Temporal.PlainDate.from(schedule.anchorDate);
  switch (schedule.type) {
    case "weekly":
    case "biweekly": {
      const len = schedule.type === "weekly" ? 7 : 14;
      const days = anchor.until(date, { largestUnit: "days" }).days;
      const start = anchor.add({ days: floorDiv(days, len) * len });
      return { start, end: start.add({ days: len - 1 }) };
    }
    case "semimonthly": {
      const start = date.with({ day: date.day <= 15 ? 1 : 16 });
      const end = date.day <= 15 ? date.with({ day: 15 }) : date.with({ day: date.daysInMonth });
      return { start, end };
    }
    case "monthly": {
      let start = monthStartOn(date.year, date.month, anchor.day);
      if (Temporal.PlainDate.compare(start, date) > 0) {
        const prev = date.with({ day: 1 }).subtract({ months: 1 });
        start = monthStartOn(prev.year, prev.month, anchor.day);
      }
      const nextMonth = start.with({ day: 1 }).add({ months: 1 });
      const next = monthStartOn(nextMonth.year, nextMonth.month, anchor.day);
      return { start, end: next.subtract({ days: 1 }) };
    }
  }
}

/** The period after `p`. */
export function nextPeriod(p: Period, schedule: PaySchedule): Period {
  return periodContaining(p.end.add({ days: 1 }), schedule);
}

/** Every period overlapping the local dates `[from, to]`, in order. */
export function periodsBetween(
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
  schedule: PaySchedule,
): Period[] {
  const out: Period[] = [];
  let p = periodContaining(from, schedule);
  while (Temporal.PlainDate.compare(p.start, to) <= 0) {
    out.push(p);
    p = nextPeriod(p, schedule);
  }
  return out;
}
