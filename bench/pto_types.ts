/**
 * The time-off types the PTO benchmarks configure (`bench/pto_balance.ts`, `bench/cache.ts`): an
 * hours-worked accrual with waiting period, cap and carryover, and a yearly grant — the two kinds
 * whose balance reads cost the most.
 *
 * @module
 */

import type { PtoType } from "../lib/settings/schema.ts";

const H = 3600;

/** Vacation accrued per hour worked, and floating days granted each January. */
export const BENCH_PTO_TYPES: PtoType[] = [
  {
    id: "vacation",
    name: "Vacation",
    paid: true,
    accrual: { method: "per_hours_worked", earnSeconds: H, perWorkedSeconds: 30 * H },
    waitingPeriodDays: 90,
    maxBalanceSeconds: 120 * H,
    carryoverCapSeconds: 40 * H,
    hoursPerDaySeconds: 8 * H,
  },
  {
    id: "floating",
    name: "Floating days",
    paid: true,
    accrual: { method: "annual_grant", earnSeconds: 16 * H, grantOn: "01-01" },
    waitingPeriodDays: 0,
    maxBalanceSeconds: 40 * H,
    carryoverCapSeconds: 8 * H,
    hoursPerDaySeconds: 8 * H,
  },
];
