/**
 * Organization settings: the rules that turn punches into payroll numbers. One zod schema is the
 * source of truth for the API, the settings page and the engines; `DEFAULT_SETTINGS` is what a
 * new organization starts with.
 *
 * @module
 */

import { z } from "zod";
import { FEATURES } from "../billing/plans.ts";
import { label, localDate, timeZone } from "../validation.ts";
import { brandingSettingsSchema } from "../branding/schemas.ts";

/** Weekdays by ISO number (1 = Monday … 7 = Sunday). */
export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
/** A weekday name. */
export type Weekday = (typeof WEEKDAYS)[number];

/** ISO weekday number (1–7) of a weekday name. */
export function isoWeekday(day: Weekday): number {
  return WEEKDAYS.indexOf(day) + 1;
}

/** A name of a break or time-off type (no control or direction-override characters). */
const typeName = label(60);

/** A multiplier with at most two decimals, between 1 and 5 (e.g. 1.5). */
const multiplier = z.number().min(1).max(5).refine(
  (m) => Math.abs(Math.round(m * 100) - m * 100) < 1e-9,
  "use at most two decimals",
);

const seconds = (max: number) => z.number().int().min(0).max(max);

/** True when no two items share an `id` (break and PTO type ids are referenced by records). */
const uniqueIds = (items: { id: string }[]) =>
  new Set(items.map((i) => i.id)).size === items.length;
const DAY = 24 * 3600;
const WEEK = 7 * DAY;

/** Overtime rules. */
export const overtimeSchema = z.discriminatedUnion("preset", [
  z.strictObject({ preset: z.literal("none") }),
  z.strictObject({ preset: z.literal("flsa") }),
  z.strictObject({ preset: z.literal("california") }),
  z.strictObject({
    preset: z.literal("custom"),
    /** Daily overtime after this many worked seconds (null: no daily overtime). */
    dailyOvertimeAfterSeconds: seconds(DAY).nullable(),
    /** Daily double time after this many worked seconds (null: none). */
    dailyDoubleTimeAfterSeconds: seconds(DAY).nullable(),
    /** Weekly overtime after this many worked seconds (null: none). */
    weeklyOvertimeAfterSeconds: seconds(WEEK).nullable(),
    /** California-style seventh consecutive workday rule. */
    seventhDay: z.boolean(),
    overtimeMultiplier: multiplier,
    doubleTimeMultiplier: multiplier,
  }),
]);
/** Overtime rules. */
export type OvertimeSettings = z.infer<typeof overtimeSchema>;

/** Rounding of punches in pay calculation (the real punches are kept). */
export const roundingSchema = z.strictObject({
  mode: z.enum(["none", "nearest", "up", "down"]),
  incrementMinutes: z.union([
    z.literal(1),
    z.literal(5),
    z.literal(6),
    z.literal(10),
    z.literal(15),
  ]),
});
/** Rounding of punches. */
export type RoundingSettings = z.infer<typeof roundingSchema>;

/** Break types and the automatic meal-break deduction. */
export const breaksSchema = z.strictObject({
  types: z.array(z.strictObject({
    id: z.string().regex(/^[a-z0-9_-]{1,32}$/),
    name: typeName,
    paid: z.boolean(),
  })).min(1).max(20).refine(uniqueIds, "break type ids must be unique"),
  /** Deduct an unpaid meal break when a shift passes N worked seconds without any break. */
  autoDeduct: z.strictObject({
    enabled: z.boolean(),
    afterWorkedSeconds: seconds(DAY),
    deductSeconds: z.number().int().min(60).max(4 * 3600),
  }),
});
/** Break rules. */
export type BreakSettings = z.infer<typeof breaksSchema>;

/** How a PTO type accrues. */
export const accrualSchema = z.discriminatedUnion("method", [
  z.strictObject({ method: z.literal("none") }),
  z.strictObject({
    method: z.literal("per_hours_worked"),
    /** Seconds earned… */
    earnSeconds: z.number().int().min(1).max(DAY),
    /** …per this many worked seconds (e.g. 3600 per 108000 = 1 h per 30 h). */
    perWorkedSeconds: z.number().int().min(3600).max(WEEK * 4),
  }),
  z.strictObject({
    method: z.literal("per_pay_period"),
    earnSeconds: z.number().int().min(1).max(WEEK),
  }),
  z.strictObject({
    method: z.literal("annual_grant"),
    earnSeconds: z.number().int().min(1).max(366 * DAY),
    /** Month and day of the grant, "MM-DD". */
    grantOn: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/),
  }),
]);

/** A PTO type with its accrual policy. */
export const ptoTypeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/),
  name: typeName,
  paid: z.boolean(),
  accrual: accrualSchema,
  /** Days after hire before accrual starts. */
  waitingPeriodDays: z.number().int().min(0).max(366),
  /** Balance never accrues above this (null: no cap). */
  maxBalanceSeconds: z.number().int().min(0).max(10_000 * 3600).nullable(),
  /** At year end, at most this carries over (null: all). */
  carryoverCapSeconds: z.number().int().min(0).max(10_000 * 3600).nullable(),
  /** A full PTO day counts this many seconds. */
  hoursPerDaySeconds: z.number().int().min(3600).max(DAY),
});
/** A PTO type. */
export type PtoType = z.infer<typeof ptoTypeSchema>;

/** Every organization setting. */
export const settingsSchema = z.strictObject({
  /** The organization's IANA time zone, canonicalized (`america/chicago` → `America/Chicago`). */
  timeZone,
  workweekStart: z.enum(WEEKDAYS),
  payPeriod: z.strictObject({
    type: z.enum(["weekly", "biweekly", "semimonthly", "monthly"]),
    anchorDate: localDate,
  }),
  overtime: overtimeSchema,
  rounding: roundingSchema,
  breaks: breaksSchema,
  requireLocation: z.boolean(),
  employeesCanEditOwnEntries: z.boolean(),
  pto: z.strictObject({
    types: z.array(ptoTypeSchema).max(20).refine(uniqueIds, "PTO type ids must be unique"),
  }),
  /**
   * Plan features an admin switched off for this organization (a feature is on when the plan
   * includes it and it is not listed here; see `lib/billing/entitlements.ts`).
   */
  disabledFeatures: z.array(z.enum(FEATURES)).max(FEATURES.length)
    .refine((f) => new Set(f).size === f.length, "list each feature once"),
  /**
   * The organization's accent colour (`#RRGGBB`, null: ClockFlow's own); changing it needs the
   * plan's `branding` and 4.5:1 contrast against white (`lib/branding`).
   */
  branding: brandingSettingsSchema,
});
/** Every organization setting. */
export type Settings = z.infer<typeof settingsSchema>;

/** What a new organization starts with (its time zone comes from sign-up). */
export function defaultSettings(timeZone: string): Settings {
  return {
    timeZone,
    workweekStart: "monday",
    payPeriod: { type: "biweekly", anchorDate: "2026-01-05" },
    overtime: { preset: "flsa" },
    rounding: { mode: "none", incrementMinutes: 15 },
    breaks: {
      types: [
        { id: "meal", name: "Meal break", paid: false },
        { id: "rest", name: "Rest break", paid: true },
      ],
      autoDeduct: { enabled: false, afterWorkedSeconds: 6 * 3600, deductSeconds: 30 * 60 },
    },
    requireLocation: false,
    employeesCanEditOwnEntries: false,
    disabledFeatures: [],
    branding: { accentColor: null },
    pto: {
      types: [
        {
          id: "vacation",
          name: "Vacation",
          paid: true,
          accrual: { method: "per_hours_worked", earnSeconds: 3600, perWorkedSeconds: 30 * 3600 },
          waitingPeriodDays: 90,
          maxBalanceSeconds: 120 * 3600,
          carryoverCapSeconds: 40 * 3600,
          hoursPerDaySeconds: 8 * 3600,
        },
        {
          id: "sick",
          name: "Sick leave",
          paid: true,
          accrual: { method: "annual_grant", earnSeconds: 40 * 3600, grantOn: "01-01" },
          waitingPeriodDays: 0,
          maxBalanceSeconds: 80 * 3600,
          carryoverCapSeconds: 40 * 3600,
          hoursPerDaySeconds: 8 * 3600,
        },
        {
          id: "unpaid",
          name: "Unpaid leave",
          paid: false,
          accrual: { method: "none" },
          waitingPeriodDays: 0,
          maxBalanceSeconds: null,
          carryoverCapSeconds: null,
          hoursPerDaySeconds: 8 * 3600,
        },
      ],
    },
  };
}

/**
 * A patch: any top-level section, replaced whole, plus an optional `version` that must match
 * the current one (optimistic concurrency).
 */
export const settingsPatchSchema = settingsSchema.partial().extend({
  version: z.number().int().min(0).optional(),
}).refine(
  (p) => Object.keys(p).some((k) => k !== "version"),
  "change at least one setting",
);
