/**
 * Admins' settings page: every organization setting in one form, in sections with headings.
 * Works without JavaScript: the form posts everything with the version it was loaded at; list
 * sections have a "Remove" checkbox per row and one blank row to add a new one.
 *
 * Sections of plan features that are off (overtime rules, time off, the location requirement)
 * are not shown; their stored values travel as hidden fields so saving keeps them. The
 * "Features" section switches the plan's features on and off for the organization and names
 * the plan to upgrade to for the others.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { type FormError, PageHeader } from "../forms.tsx";
import { timeZoneOptions } from "../timezones.ts";
import { WEEKDAYS } from "../../lib/settings/schema.ts";
import type { Feature } from "../../lib/billing/plans.ts";
import {
  ACCRUAL_METHODS,
  blankPtoRow,
  type FormValues,
  OVERTIME_PRESETS,
  PAY_PERIOD_TYPES,
  ROUNDING_INCREMENTS,
  ROUNDING_MODES,
  rowIndexes,
} from "./settings_form.ts";
import { Checkbox, controlId, GroupError, Input, Select } from "./settings_controls.tsx";

/** Props of {@linkcode SettingsPage}. */
export interface SettingsPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  /** The form's values: the stored settings, or what was posted when it failed. */
  values: FormValues;
  error?: FormError | null;
  /** The settings changed since the form was loaded (offer a reload). */
  conflict?: boolean;
  /** Number of active job locations (a required location needs at least one). */
  activeLocations: number;
  /** Every plan feature, for the "Features" section. */
  features: FeatureRow[];
  /** Features in force: sections of the others are not shown. */
  enabledFeatures: readonly Feature[];
  /** The name of the plan in force. */
  planName: string;
}

/** A plan feature as the "Features" section shows it. */
export interface FeatureRow {
  id: Feature;
  label: string;
  /** The plan in force includes it (an admin may switch it on and off). */
  inPlan: boolean;
  /** Name of the cheapest plan that includes it, when the plan in force does not. */
  upgradeTo: string | null;
  /** Not built yet: shown as coming soon, never sold as an upgrade. */
  coming: boolean;
}

/** A feature's name as the section shows it ("API keys (coming soon)"). */
function featureName(f: FeatureRow): string {
  return f.coming ? `${f.label} (coming soon)` : f.label;
}

/** The form values under `prefix` as hidden fields (a section that is not shown keeps them). */
function HiddenFields({ values, prefix }: { values: FormValues; prefix: string }) {
  return (
    <>
      {Object.entries(values).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
    </>
  );
}

/** The "Features" section: the plan's features with on/off boxes, the others to upgrade for. */
function FeaturesSection(
  { features, values, error, planName, billingHref }: {
    features: FeatureRow[];
    values: FormValues;
    error?: FormError | null;
    planName: string;
    billingHref: string;
  },
) {
  const common = { idPrefix: P, values, error };
  const outside = features.filter((f) => !f.inPlan);
  return (
    <Section
      id="settings-features"
      title="Features"
      lead={`Features of the ${planName} plan. Switch off what this organization does not use: it disappears from every page and the API refuses it.`}
    >
      {features.filter((f) => f.inPlan).map((f) => (
        <Checkbox key={f.id} {...common} name={`features.${f.id}`} label={featureName(f)} />
      ))}
      {outside.length > 0 && (
        <ul class="plain-list features-outside">
          {outside.map((f) => (
            <li key={f.id}>
              {featureName(f)}: {f.upgradeTo
                ? `${f.coming ? "planned for" : "upgrade to"} ${f.upgradeTo}`
                : "not available"}
              {`features.${f.id}` in values && (
                <input type="hidden" name={`features.${f.id}`} value={values[`features.${f.id}`]} />
              )}
            </li>
          ))}
        </ul>
      )}
      <p class="hint">
        <a href={billingHref}>Plans and billing</a>
      </p>
    </Section>
  );
}

const P = "s";

const label = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replaceAll("_", " ");

const PAY_LABELS: Record<(typeof PAY_PERIOD_TYPES)[number], string> = {
  weekly: "Weekly",
  biweekly: "Every two weeks",
  semimonthly: "Twice a month (1st–15th, 16th–end)",
  monthly: "Monthly",
};

const PRESET_LABELS: Record<(typeof OVERTIME_PRESETS)[number], string> = {
  none: "No overtime",
  flsa: "US federal (FLSA): over 40 hours a week",
  california: "California: daily, weekly and seventh day",
  custom: "Custom rules",
};

const ROUNDING_LABELS: Record<(typeof ROUNDING_MODES)[number], string> = {
  none: "Do not round",
  nearest: "To the nearest increment",
  up: "Always up",
  down: "Always down",
};

const ACCRUAL_LABELS: Record<(typeof ACCRUAL_METHODS)[number], string> = {
  none: "Does not accrue",
  per_hours_worked: "Per hours worked",
  per_pay_period: "Per pay period",
  annual_grant: "Granted once a year",
};

function options<T extends string>(values: readonly T[], labels?: Record<T, string>) {
  return values.map((v) => ({ value: v, label: labels?.[v] ?? label(v) }));
}

function Section(
  { id, title, lead, children }: {
    id: string;
    title: string;
    lead?: string;
    children: ComponentChildren;
  },
) {
  return (
    <section class="card settings-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {lead && <p class="hint">{lead}</p>}
      <div class="stack">{children}</div>
    </section>
  );
}

/**
 * The rows of list `prefix` to show (blank ones left out: they were "add" rows left empty) and
 * the number of the new blank row.
 */
function listRows(values: FormValues, prefix: string) {
  const all = rowIndexes(values, prefix);
  const rows = all.filter((i) =>
    (values[`${prefix}.${i}.id`] ?? "").trim() || (values[`${prefix}.${i}.name`] ?? "").trim()
  );
  return { rows, blank: (all.at(-1) ?? -1) + 1 };
}

/** The title and the fields every type row has (name, code, paid, remove). */
function TypeRowBasics(
  { common, p, title, paidLabel, isNew }: {
    common: { idPrefix: string; values: FormValues; error?: FormError | null };
    p: string;
    title: string;
    paidLabel: string;
    isNew: boolean;
  },
) {
  return (
    <>
      <p class="settings-row-title">{title}</p>
      <div class="settings-grid">
        <Input
          {...common}
          name={`${p}name`}
          label="Name"
          maxLength={60}
          hint={isNew ? "Leave empty to add nothing." : undefined}
        />
        <Input
          {...common}
          name={`${p}id`}
          label="Code"
          maxLength={32}
          optional
          hint="Empty: made from the name."
        />
        <Checkbox {...common} name={`${p}paid`} label={paidLabel} />
        {!isNew && <Checkbox {...common} name={`${p}remove`} label="Remove" />}
      </div>
    </>
  );
}

function BreakRows({ values, error }: { values: FormValues; error?: FormError | null }) {
  const { rows, blank } = listRows(values, "breaks.types");
  const all = [...rows, blank];
  const common = { idPrefix: P, values, error };
  return (
    <fieldset class="settings-list" id={controlId(P, "breaks.types")}>
      <legend>Break types</legend>
      <GroupError name="breaks.types" error={error} />
      <ul class="settings-rows">
        {all.map((i) => {
          const p = `breaks.types.${i}.`;
          const isNew = i === blank;
          return (
            <li key={i} class="settings-row" data-row={`breaks.types.${i}`}>
              <TypeRowBasics
                common={common}
                p={p}
                title={isNew ? "Add a break type" : values[`${p}name`] || `Break type ${i + 1}`}
                paidLabel="Paid break"
                isNew={isNew}
              />
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function PtoRows({ values, error }: { values: FormValues; error?: FormError | null }) {
  const { rows, blank } = listRows(values, "pto.types");
  const withBlank = { ...blankPtoRow(blank), ...values };
  const common = { idPrefix: P, values: withBlank, error };
  return (
    <fieldset class="settings-list" id={controlId(P, "pto.types")}>
      <legend class="visually-hidden">Time-off types</legend>
      <GroupError name="pto.types" error={error} />
      <ul class="settings-rows">
        {[...rows, blank].map((i) => {
          const p = `pto.types.${i}.`;
          const isNew = i === blank;
          return (
            <li key={i} class="settings-row" data-row={`pto.types.${i}`}>
              <TypeRowBasics
                common={common}
                p={p}
                title={isNew
                  ? "Add a time-off type"
                  : values[`${p}name`] || `Time-off type ${i + 1}`}
                paidLabel="Paid"
                isNew={isNew}
              />
              <div class="settings-grid">
                <Select
                  {...common}
                  name={`${p}accrual.method`}
                  label="Accrual"
                  options={options(ACCRUAL_METHODS, ACCRUAL_LABELS)}
                />
                <Input
                  {...common}
                  name={`${p}accrual.earnHours`}
                  label="Hours earned"
                  inputMode="decimal"
                  suffix="h"
                  hint="Each time it accrues."
                />
                <Input
                  {...common}
                  name={`${p}accrual.perWorkedHours`}
                  label="…per hours worked"
                  inputMode="decimal"
                  suffix="h"
                  hint="For “per hours worked”."
                />
                <Input
                  {...common}
                  name={`${p}accrual.grantOn`}
                  label="Granted on (MM-DD)"
                  maxLength={5}
                  hint="For a yearly grant."
                />
              </div>
              <div class="settings-grid">
                <Input
                  {...common}
                  name={`${p}waitingPeriodDays`}
                  label="Waiting period"
                  inputMode="numeric"
                  suffix="days"
                  hint="From hire to first accrual."
                />
                <Input
                  {...common}
                  name={`${p}maxBalanceHours`}
                  optional
                  label="Maximum balance"
                  inputMode="decimal"
                  suffix="h"
                  hint="Empty: no cap."
                />
                <Input
                  {...common}
                  name={`${p}carryoverCapHours`}
                  optional
                  label="Carry over at most"
                  inputMode="decimal"
                  suffix="h"
                  hint="At year end. Empty: all."
                />
                <Input
                  {...common}
                  name={`${p}hoursPerDay`}
                  label="A full day is"
                  inputMode="decimal"
                  suffix="h"
                />
              </div>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** How the error summary names a field (row fields: "Break type 2: Code"). */
const FIELD_LABELS: Record<string, string> = {
  version: "Version",
  timeZone: "Time zone",
  workweekStart: "Workweek start",
  "payPeriod.type": "Pay period",
  "payPeriod.anchorDate": "Pay period start",
  "overtime.preset": "Overtime rule",
  "overtime.dailyOvertimeAfterHours": "Daily overtime after",
  "overtime.dailyDoubleTimeAfterHours": "Daily double time after",
  "overtime.weeklyOvertimeAfterHours": "Weekly overtime after",
  "overtime.overtimeMultiplier": "Overtime pays",
  "overtime.doubleTimeMultiplier": "Double time pays",
  "rounding.mode": "Rounding",
  "rounding.incrementMinutes": "Rounding increment",
  "breaks.types": "Break types",
  "breaks.autoDeduct.afterWorkedHours": "Automatic meal break: after working",
  "breaks.autoDeduct.deductMinutes": "Automatic meal break: deduct",
  "pto.types": "Time-off types",
  id: "Code",
  name: "Name",
  "accrual.method": "Accrual",
  "accrual.earnHours": "Hours earned",
  "accrual.perWorkedHours": "Per hours worked",
  "accrual.grantOn": "Granted on",
  waitingPeriodDays: "Waiting period",
  maxBalanceHours: "Maximum balance",
  carryoverCapHours: "Carry over at most",
  hoursPerDay: "A full day is",
};

function fieldLabel(name: string): string {
  const row = /^(breaks|pto)\.types\.(\d+)\.(.+)$/.exec(name);
  if (!row) return FIELD_LABELS[name] ?? name;
  const what = row[1] === "breaks" ? "Break type" : "Time-off type";
  return `${what} ${Number(row[2]) + 1}: ${FIELD_LABELS[row[3]] ?? row[3]}`;
}

/** The form-level error with a link to every field that needs attention. */
function ErrorList({ error }: { error?: FormError | null }) {
  if (!error) return null;
  const fields = Object.entries(error.fields);
  return (
    <div class="alert alert-error" role="alert">
      <p>{error.message}</p>
      {fields.length > 0 && (
        <ul class="error-links">
          {fields.map(([name, message]) => (
            <li key={name}>
              <a href={`#${controlId(P, name)}`}>{fieldLabel(name)}</a>: {message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The settings page. */
export function SettingsPage(
  {
    values,
    error,
    conflict,
    activeLocations,
    features,
    enabledFeatures,
    planName,
    ...chrome
  }: SettingsPageProps,
) {
  const orgId = chrome.org!.id;
  const on = (f: Feature) => enabledFeatures.includes(f);
  const offNote = (f: Feature, what: string) => {
    const row = features.find((r) => r.id === f);
    return row?.inPlan
      ? `${what} is switched off for this organization (see Features below).`
      : `${what} is not part of the ${planName} plan${
        row?.upgradeTo ? `; upgrade to ${row.upgradeTo} to use it` : ""
      }.`;
  };
  const common = { idPrefix: P, values, error };
  const custom = values["overtime.preset"] === "custom";
  return (
    <Layout title="Settings" active="settings" {...chrome}>
      <PageHeader
        title="Settings"
        lead="How this organization counts time: calendar, pay, overtime, breaks and time off."
      />
      {conflict
        ? (
          <div class="alert alert-error" role="alert">
            <p>
              {error?.message} <a href={`/o/${orgId}/settings`}>Load the current settings</a>{" "}
              (your changes below are not saved).
            </p>
          </div>
        )
        : <ErrorList error={error} />}
      <form method="post" action={`/o/${orgId}/settings`} class="settings-form" novalidate>
        <input type="hidden" name="version" value={values.version ?? ""} />

        <Section id="settings-calendar" title="Calendar">
          <Select
            {...common}
            name="timeZone"
            label="Time zone"
            hint="Workdays, weeks and pay periods are counted in this zone."
            options={timeZoneOptions()}
          />
          <Select
            {...common}
            name="workweekStart"
            label="The workweek starts on"
            options={options(WEEKDAYS)}
          />
        </Section>

        <Section id="settings-pay" title="Pay period">
          <div class="row">
            <Select
              {...common}
              name="payPeriod.type"
              label="Pay period"
              options={options(PAY_PERIOD_TYPES, PAY_LABELS)}
            />
            <Input
              {...common}
              name="payPeriod.anchorDate"
              type="date"
              label="A period starts on"
              hint="Any first day of a pay period; the others follow from it."
            />
          </div>
        </Section>

        {!on("overtimeRules") && (
          <Section id="settings-overtime" title="Overtime">
            <p class="hint">{offNote("overtimeRules", "Overtime rules")}</p>
            <HiddenFields values={values} prefix="overtime." />
          </Section>
        )}
        {on("overtimeRules") && (
          <Section id="settings-overtime" title="Overtime">
            <Select
              {...common}
              name="overtime.preset"
              label="Overtime rule"
              options={options(OVERTIME_PRESETS, PRESET_LABELS)}
            />
            <fieldset class={`settings-sub${custom ? "" : " settings-sub-idle"}`}>
              <legend>Custom rules</legend>
              <p class="hint">Used only when the rule is “Custom rules”.</p>
              <div class="settings-grid">
                <Input
                  {...common}
                  name="overtime.dailyOvertimeAfterHours"
                  optional
                  label="Daily overtime after"
                  inputMode="decimal"
                  suffix="h"
                />
                <Input
                  {...common}
                  name="overtime.dailyDoubleTimeAfterHours"
                  optional
                  label="Daily double time after"
                  inputMode="decimal"
                  suffix="h"
                />
                <Input
                  {...common}
                  name="overtime.weeklyOvertimeAfterHours"
                  optional
                  label="Weekly overtime after"
                  inputMode="decimal"
                  suffix="h"
                />
                <Input
                  {...common}
                  name="overtime.overtimeMultiplier"
                  label="Overtime pays"
                  inputMode="decimal"
                  suffix="×"
                />
                <Input
                  {...common}
                  name="overtime.doubleTimeMultiplier"
                  label="Double time pays"
                  inputMode="decimal"
                  suffix="×"
                />
              </div>
              <Checkbox
                {...common}
                name="overtime.seventhDay"
                label="Seventh consecutive workday rule"
                hint="The seventh day worked in a row in a workweek is overtime (double time after 8 h)."
              />
            </fieldset>
          </Section>
        )}

        <Section
          id="settings-rounding"
          title="Rounding"
          lead="Rounds punches for pay only; the real punch times are kept."
        >
          <div class="row">
            <Select
              {...common}
              name="rounding.mode"
              label="Round punches"
              options={options(ROUNDING_MODES, ROUNDING_LABELS)}
            />
            <Select
              {...common}
              name="rounding.incrementMinutes"
              label="Increment"
              options={ROUNDING_INCREMENTS.map((m) => ({ value: String(m), label: `${m} min` }))}
            />
          </div>
        </Section>

        <Section id="settings-breaks" title="Breaks">
          <BreakRows values={values} error={error} />
          <fieldset class="settings-sub">
            <legend>Automatic meal break</legend>
            <Checkbox
              {...common}
              name="breaks.autoDeduct.enabled"
              label="Deduct an unpaid meal break from long shifts without any break"
            />
            <div class="row">
              <Input
                {...common}
                name="breaks.autoDeduct.afterWorkedHours"
                label="After working"
                inputMode="decimal"
                suffix="h"
              />
              <Input
                {...common}
                name="breaks.autoDeduct.deductMinutes"
                label="Deduct"
                inputMode="numeric"
                suffix="min"
              />
            </div>
          </fieldset>
        </Section>

        <Section id="settings-clocking" title="Clocking and entries">
          {on("geofencing") && (
            <>
              <Checkbox
                {...common}
                name="requireLocation"
                label="Require a location to clock in"
                hint={activeLocations === 0
                  ? "There are no active locations yet: add one first, or nobody can clock in."
                  : `Members must share their position and be inside the geofence of one of the ${activeLocations} active location${
                    activeLocations === 1 ? "" : "s"
                  }.`}
              />
              <p class="hint">
                <a href={`/o/${orgId}/locations`}>Manage locations</a>
              </p>
            </>
          )}
          {!on("geofencing") && (
            <>
              <p class="hint">{offNote("geofencing", "Geofenced clock-in at job locations")}</p>
              <HiddenFields values={values} prefix="requireLocation" />
            </>
          )}
          <Checkbox
            {...common}
            name="employeesCanEditOwnEntries"
            label="Employees may correct their own entries"
          />
        </Section>

        {on("pto") && (
          <Section
            id="settings-pto"
            title="Time off"
            lead="Types of paid and unpaid time off and how each accrues."
          >
            <PtoRows values={values} error={error} />
          </Section>
        )}
        {!on("pto") && (
          <Section id="settings-pto" title="Time off">
            <p class="hint">{offNote("pto", "Paid time off")}</p>
            <HiddenFields values={values} prefix="pto.types." />
          </Section>
        )}

        <FeaturesSection
          features={features}
          values={values}
          error={error}
          planName={planName}
          billingHref={`/o/${orgId}/billing`}
        />

        <div class="settings-actions">
          <button type="submit" class="btn btn-primary">Save settings</button>
        </div>
      </form>
    </Layout>
  );
}
