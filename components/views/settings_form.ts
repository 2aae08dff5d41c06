/**
 * The organization settings as one flat HTML form, both ways: {@linkcode settingsToForm} turns
 * settings into the field values the page renders, {@linkcode settingsFromForm} turns a posted
 * form back into settings — or into messages keyed by the very field names the page shows them
 * next to. Durations are edited in hours (minutes for the meal deduction) and stored in seconds.
 *
 * List sections (break types, PTO types) are rows named `breaks.types.<n>.<field>` and
 * `pto.types.<n>.<field>`. A row whose code and name are both empty is a blank "add" row and is
 * ignored; a row with `remove` checked is dropped. Checkboxes are present (any value) when on.
 *
 * Plan features are fields `features.<feature>`, present when the feature is not switched off:
 * a checkbox for the plan's features, a hidden field for the others (so a feature switched off
 * on an earlier plan stays off).
 *
 * Pure and browser-safe: no store, no HTTP.
 *
 * @module
 */

import {
  type PtoType,
  type Settings,
  settingsSchema,
  WEEKDAYS,
} from "../../lib/settings/schema.ts";
import { FEATURES } from "../../lib/billing/plans.ts";

/** Flat form values, by field name. */
export type FormValues = Record<string, string>;

/** A message about one field. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The outcome of reading the form. */
export type SettingsFormResult =
  | { ok: true; settings: Omit<Settings, "branding">; version: number | undefined }
  | { ok: false; issues: FieldIssue[] };

/** Pay period types, in the order the form offers them. */
export const PAY_PERIOD_TYPES = ["weekly", "biweekly", "semimonthly", "monthly"] as const;
/** Overtime presets. */
export const OVERTIME_PRESETS = ["none", "flsa", "california", "custom"] as const;
/** Rounding modes. */
export const ROUNDING_MODES = ["none", "nearest", "up", "down"] as const;
/** Rounding increments, minutes. */
export const ROUNDING_INCREMENTS = [1, 5, 6, 10, 15] as const;
/** PTO accrual methods. */
export const ACCRUAL_METHODS = [
  "none",
  "per_hours_worked",
  "per_pay_period",
  "annual_grant",
] as const;

/** Custom overtime fields shown while another preset is chosen (the usual US figures). */
export const CUSTOM_OVERTIME_DEFAULTS: FormValues = {
  "overtime.dailyOvertimeAfterHours": "8",
  "overtime.dailyDoubleTimeAfterHours": "12",
  "overtime.weeklyOvertimeAfterHours": "40",
  "overtime.overtimeMultiplier": "1.5",
  "overtime.doubleTimeMultiplier": "2",
};

const HOUR = 3600;

/**
 * `seconds` in `unit` seconds for a form field, with no trailing zeros. Four decimals keep every
 * whole number of seconds exact when read back (the error stays under 0.2 s).
 */
function unitsText(seconds: number | null, unit: number): string {
  return seconds === null ? "" : String(Math.round((seconds / unit) * 10_000) / 10_000);
}

/** Seconds as hours for a form field. */
function hoursText(seconds: number | null): string {
  return unitsText(seconds, HOUR);
}

/** The form values of `settings` at `version`. */
export function settingsToForm(settings: Settings, version: number): FormValues {
  const v: FormValues = {
    version: String(version),
    timeZone: settings.timeZone,
    workweekStart: settings.workweekStart,
    "payPeriod.type": settings.payPeriod.type,
    "payPeriod.anchorDate": settings.payPeriod.anchorDate,
    "overtime.preset": settings.overtime.preset,
    ...CUSTOM_OVERTIME_DEFAULTS,
    "rounding.mode": settings.rounding.mode,
    "rounding.incrementMinutes": String(settings.rounding.incrementMinutes),
    "breaks.autoDeduct.afterWorkedHours": hoursText(settings.breaks.autoDeduct.afterWorkedSeconds),
    "breaks.autoDeduct.deductMinutes": unitsText(settings.breaks.autoDeduct.deductSeconds, 60),
  };
  const on = (name: string, flag: boolean) => {
    if (flag) v[name] = "true";
  };
  const o = settings.overtime;
  if (o.preset === "custom") {
    v["overtime.dailyOvertimeAfterHours"] = hoursText(o.dailyOvertimeAfterSeconds);
    v["overtime.dailyDoubleTimeAfterHours"] = hoursText(o.dailyDoubleTimeAfterSeconds);
    v["overtime.weeklyOvertimeAfterHours"] = hoursText(o.weeklyOvertimeAfterSeconds);
    v["overtime.overtimeMultiplier"] = String(o.overtimeMultiplier);
    v["overtime.doubleTimeMultiplier"] = String(o.doubleTimeMultiplier);
    on("overtime.seventhDay", o.seventhDay);
  }
  on("breaks.autoDeduct.enabled", settings.breaks.autoDeduct.enabled);
  on("requireLocation", settings.requireLocation);
  on("employeesCanEditOwnEntries", settings.employeesCanEditOwnEntries);
  for (const f of FEATURES) on(`features.${f}`, !settings.disabledFeatures.includes(f));
  settings.breaks.types.forEach((t, i) => {
    const p = `breaks.types.${i}.`;
    v[`${p}id`] = t.id;
    v[`${p}name`] = t.name;
    on(`${p}paid`, t.paid);
  });
  settings.pto.types.forEach((t, i) => Object.assign(v, ptoTypeToForm(t, i)));
  return v;
}

/** Blank accrual fields of a PTO row (so switching the method shows sensible numbers). */
const ACCRUAL_BLANKS = { earnHours: "", perWorkedHours: "30", grantOn: "01-01" };

function ptoTypeToForm(t: PtoType, i: number): FormValues {
  const p = `pto.types.${i}.`;
  const a = t.accrual;
  const accrual = {
    ...ACCRUAL_BLANKS,
    ...(a.method === "none" ? {} : { earnHours: hoursText(a.earnSeconds) }),
    ...(a.method === "per_hours_worked" ? { perWorkedHours: hoursText(a.perWorkedSeconds) } : {}),
    ...(a.method === "annual_grant" ? { grantOn: a.grantOn } : {}),
  };
  const v: FormValues = {
    [`${p}id`]: t.id,
    [`${p}name`]: t.name,
    [`${p}accrual.method`]: a.method,
    [`${p}accrual.earnHours`]: accrual.earnHours,
    [`${p}accrual.perWorkedHours`]: accrual.perWorkedHours,
    [`${p}accrual.grantOn`]: accrual.grantOn,
    [`${p}waitingPeriodDays`]: String(t.waitingPeriodDays),
    [`${p}maxBalanceHours`]: hoursText(t.maxBalanceSeconds),
    [`${p}carryoverCapHours`]: hoursText(t.carryoverCapSeconds),
    [`${p}hoursPerDay`]: hoursText(t.hoursPerDaySeconds),
  };
  if (t.paid) v[`${p}paid`] = "true";
  return v;
}

/** Defaults of a blank "add a time-off type" row. */
export function blankPtoRow(i: number): FormValues {
  const p = `pto.types.${i}.`;
  return {
    [`${p}id`]: "",
    [`${p}name`]: "",
    [`${p}paid`]: "true",
    [`${p}accrual.method`]: "none",
    [`${p}accrual.earnHours`]: "",
    [`${p}accrual.perWorkedHours`]: ACCRUAL_BLANKS.perWorkedHours,
    [`${p}accrual.grantOn`]: ACCRUAL_BLANKS.grantOn,
    [`${p}waitingPeriodDays`]: "0",
    [`${p}maxBalanceHours`]: "",
    [`${p}carryoverCapHours`]: "",
    [`${p}hoursPerDay`]: "8",
  };
}

/**
 * The row numbers present in `values` under `prefix` (e.g. `breaks.types`), ascending.
 *
 * @example
 * ```ts
 * rowIndexes({ "breaks.types.0.id": "meal", "breaks.types.2.id": "" }, "breaks.types"); // [0, 2]
 * ```
 */
export function rowIndexes(values: FormValues, prefix: string): number[] {
  const seen = new Set<number>();
  const re = new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.(\\d{1,3})\\.`);
  for (const k of Object.keys(values)) {
    const m = re.exec(k);
    if (m) seen.add(Number(m[1]));
  }
  return [...seen].sort((a, b) => a - b);
}

/** A code from a name: lower-case letters, digits, `_` and `-`, at most 32. */
export function codeFromName(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 32).replace(/_+$/, "");
}

/** Reads fields one by one, collecting a message per bad field. */
class FormReader {
  readonly issues: FieldIssue[] = [];
  constructor(readonly values: FormValues) {}

  fail(path: string, message: string): undefined {
    if (!this.issues.some((i) => i.path === path)) this.issues.push({ path, message });
    return undefined;
  }

  text(name: string): string {
    return (this.values[name] ?? "").trim();
  }

  flag(name: string): boolean {
    return name in this.values;
  }

  choice<T extends string>(name: string, options: readonly T[], message: string): T | undefined {
    const v = this.text(name);
    return (options as readonly string[]).includes(v) ? v as T : this.fail(name, message);
  }

  /**
   * A decimal number in [min, max] (`min` itself excluded when `above`), or null when empty and
   * `optional`.
   */
  number(
    name: string,
    o: { min: number; max: number; above?: boolean; optional?: boolean; unit: string },
  ): number | null | undefined {
    const raw = this.text(name);
    if (raw === "") {
      return o.optional ? null : this.fail(name, `Enter a number of ${o.unit}`);
    }
    const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(n)) return this.fail(name, `Enter a number of ${o.unit}, like 7.5`);
    if (n < o.min || n > o.max || (o.above && n === o.min)) {
      const low = o.above ? `more than ${o.min}` : `${o.min}`;
      return this.fail(name, `Enter ${low} to ${o.max} ${o.unit}`);
    }
    return n;
  }

  /** Hours as whole seconds (null when empty and optional). */
  hours(
    name: string,
    o: { min: number; max: number; above?: boolean; optional?: boolean },
  ): number | null | undefined {
    const h = this.number(name, { ...o, unit: "hours" });
    return h === null || h === undefined ? h : Math.round(h * HOUR);
  }

  /** A whole number in [min, max]. */
  integer(name: string, min: number, max: number, unit: string): number | undefined {
    const n = this.number(name, { min, max, unit });
    if (n === null || n === undefined) return undefined;
    return Number.isInteger(n) ? n : this.fail(name, `Enter whole ${unit}`);
  }

  /** A multiplier like 1.5 (1–5, at most two decimals). */
  multiplier(name: string): number | undefined {
    const n = this.number(name, { min: 1, max: 5, unit: "times the rate" });
    if (n === null || n === undefined) return undefined;
    return Math.abs(Math.round(n * 100) - n * 100) < 1e-9
      ? n
      : this.fail(name, "Use at most two decimals, like 1.5");
  }
}

const CODE = /^[a-z0-9_-]{1,32}$/;

/** Read the code and name of row `p` (a prefix ending in `.`), or null for a blank row. */
function rowHead(r: FormReader, p: string, seen: Set<string>, what: string) {
  let id = r.text(`${p}id`).toLowerCase();
  const name = r.text(`${p}name`);
  if (!id && !name) return null;
  if (!name) r.fail(`${p}name`, `Enter a name for the ${what}`);
  else if (name.length > 60) r.fail(`${p}name`, "Use at most 60 characters");
  if (!id) id = codeFromName(name);
  if (!CODE.test(id)) {
    r.fail(`${p}id`, "Use 1–32 lower-case letters, digits, - or _");
  } else if (seen.has(id)) {
    r.fail(`${p}id`, `Another ${what} uses this code`);
  }
  seen.add(id);
  return { id, name };
}

function readOvertime(r: FormReader): Settings["overtime"] | undefined {
  const preset = r.choice("overtime.preset", OVERTIME_PRESETS, "Choose an overtime rule");
  if (preset !== "custom") return preset && { preset };
  const daily = r.hours("overtime.dailyOvertimeAfterHours", { min: 0, max: 24, optional: true });
  const double = r.hours("overtime.dailyDoubleTimeAfterHours", {
    min: 0,
    max: 24,
    optional: true,
  });
  const weekly = r.hours("overtime.weeklyOvertimeAfterHours", {
    min: 0,
    max: 168,
    optional: true,
  });
  const overtimeMultiplier = r.multiplier("overtime.overtimeMultiplier");
  const doubleTimeMultiplier = r.multiplier("overtime.doubleTimeMultiplier");
  if (
    daily === undefined || double === undefined || weekly === undefined ||
    overtimeMultiplier === undefined || doubleTimeMultiplier === undefined
  ) return undefined;
  if (daily !== null && double !== null && double <= daily) {
    return r.fail(
      "overtime.dailyDoubleTimeAfterHours",
      "Double time must start after daily overtime",
    );
  }
  return {
    preset,
    dailyOvertimeAfterSeconds: daily,
    dailyDoubleTimeAfterSeconds: double,
    weeklyOvertimeAfterSeconds: weekly,
    seventhDay: r.flag("overtime.seventhDay"),
    overtimeMultiplier,
    doubleTimeMultiplier,
  };
}

function readBreaks(r: FormReader): Settings["breaks"] | undefined {
  const seen = new Set<string>();
  const types: Settings["breaks"]["types"] = [];
  for (const i of rowIndexes(r.values, "breaks.types")) {
    const p = `breaks.types.${i}.`;
    if (r.flag(`${p}remove`)) continue;
    const head = rowHead(r, p, seen, "break type");
    if (head) types.push({ ...head, paid: r.flag(`${p}paid`) });
  }
  if (types.length === 0) r.fail("breaks.types", "Keep at least one break type");
  if (types.length > 20) r.fail("breaks.types", "Use at most 20 break types");
  const after = r.hours("breaks.autoDeduct.afterWorkedHours", { min: 0, max: 24 });
  const minutes = r.number("breaks.autoDeduct.deductMinutes", {
    min: 1,
    max: 240,
    unit: "minutes",
  });
  if (after == null || minutes == null) return undefined;
  return {
    types,
    autoDeduct: {
      enabled: r.flag("breaks.autoDeduct.enabled"),
      afterWorkedSeconds: after,
      deductSeconds: Math.round(minutes * 60),
    },
  };
}

function readAccrual(r: FormReader, p: string): PtoType["accrual"] | undefined {
  const method = r.choice(`${p}accrual.method`, ACCRUAL_METHODS, "Choose how it accrues");
  if (method === undefined) return undefined;
  if (method === "none") return { method };
  const earnMax = method === "per_hours_worked" ? 24 : method === "per_pay_period" ? 168 : 8784;
  const earn = r.hours(`${p}accrual.earnHours`, { min: 0, max: earnMax, above: true });
  if (method === "per_hours_worked") {
    const per = r.hours(`${p}accrual.perWorkedHours`, { min: 1, max: 672 });
    return earn == null || per == null
      ? undefined
      : { method, earnSeconds: earn, perWorkedSeconds: per };
  }
  if (method === "per_pay_period") return earn == null ? undefined : { method, earnSeconds: earn };
  const grantOn = r.text(`${p}accrual.grantOn`);
  const valid = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(grantOn) &&
    !["02-30", "02-31", "04-31", "06-31", "09-31", "11-31"].includes(grantOn);
  if (!valid) r.fail(`${p}accrual.grantOn`, "Enter a month and day as MM-DD, like 01-01");
  return earn == null || !valid ? undefined : { method, earnSeconds: earn, grantOn };
}

function readPto(r: FormReader): Settings["pto"] | undefined {
  const seen = new Set<string>();
  const types: PtoType[] = [];
  let complete = true;
  for (const i of rowIndexes(r.values, "pto.types")) {
    const p = `pto.types.${i}.`;
    if (r.flag(`${p}remove`)) continue;
    const head = rowHead(r, p, seen, "time-off type");
    if (!head) continue;
    const accrual = readAccrual(r, p);
    const waiting = r.integer(`${p}waitingPeriodDays`, 0, 366, "days");
    const max = r.hours(`${p}maxBalanceHours`, { min: 0, max: 10_000, optional: true });
    const carry = r.hours(`${p}carryoverCapHours`, { min: 0, max: 10_000, optional: true });
    const perDay = r.hours(`${p}hoursPerDay`, { min: 1, max: 24 });
    if (
      accrual === undefined || waiting === undefined || max === undefined ||
      carry === undefined || perDay == null
    ) {
      complete = false;
      continue;
    }
    types.push({
      ...head,
      paid: r.flag(`${p}paid`),
      accrual,
      waitingPeriodDays: waiting,
      maxBalanceSeconds: max,
      carryoverCapSeconds: carry,
      hoursPerDaySeconds: perDay,
    });
  }
  if (types.length > 20) r.fail("pto.types", "Use at most 20 time-off types");
  return complete ? { types } : undefined;
}

/** The form field showing a schema issue at `path` (seconds are edited as hours). */
function fieldOf(path: PropertyKey[]): string {
  const parts = path.map(String);
  const last = parts.at(-1) ?? "";
  const renamed: Record<string, string> = {
    deductSeconds: "deductMinutes",
    hoursPerDaySeconds: "hoursPerDay",
  };
  if (last in renamed) parts[parts.length - 1] = renamed[last];
  else if (last.endsWith("Seconds")) parts[parts.length - 1] = last.replace(/Seconds$/, "Hours");
  return parts.join(".");
}

/**
 * Read a posted settings form. Every section is required (the page always posts them all);
 * `version` is optional. On failure, every message is keyed by the field that shows it.
 */
export function settingsFromForm(values: FormValues): SettingsFormResult {
  const r = new FormReader(values);
  const versionText = r.text("version");
  const version = versionText === ""
    ? undefined
    : /^\d{1,9}$/.test(versionText)
    ? Number(versionText)
    : r.fail("version", "Reload the page and try again");
  const timeZone = r.text("timeZone");
  if (!timeZone) r.fail("timeZone", "Choose a time zone");
  const workweekStart = r.choice("workweekStart", WEEKDAYS, "Choose a weekday");
  const payType = r.choice("payPeriod.type", PAY_PERIOD_TYPES, "Choose a pay period");
  const anchorDate = r.text("payPeriod.anchorDate");
  const overtime = readOvertime(r);
  const mode = r.choice("rounding.mode", ROUNDING_MODES, "Choose how to round");
  const increment = r.choice(
    "rounding.incrementMinutes",
    ROUNDING_INCREMENTS.map(String),
    "Choose an increment",
  );
  const breaks = readBreaks(r);
  const pto = readPto(r);
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  // Branding has its own page (`/o/:orgId/branding`): this form leaves it as it is.
  const parsed = settingsSchema.omit({ branding: true }).safeParse({
    timeZone,
    workweekStart,
    payPeriod: { type: payType, anchorDate },
    overtime,
    rounding: { mode, incrementMinutes: Number(increment) },
    breaks,
    requireLocation: r.flag("requireLocation"),
    employeesCanEditOwnEntries: r.flag("employeesCanEditOwnEntries"),
    pto,
    disabledFeatures: FEATURES.filter((f) => !r.flag(`features.${f}`)),
  });
  if (!parsed.success) {
    const issues: FieldIssue[] = [];
    for (const i of parsed.error.issues) {
      const path = fieldOf(i.path);
      if (issues.some((x) => x.path === path)) continue;
      const friendly: Record<string, string> = {
        timeZone: "Choose a time zone from the list",
        "payPeriod.anchorDate": "Enter a real date",
      };
      issues.push({ path, message: friendly[path] ?? i.message });
    }
    return { ok: false, issues };
  }
  return { ok: true, settings: parsed.data, version };
}
