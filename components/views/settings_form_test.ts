import assert from "node:assert/strict";
import { defaultSettings, type Settings } from "../../lib/settings/schema.ts";
import { codeFromName, rowIndexes, settingsFromForm, settingsToForm } from "./settings_form.ts";

const custom: Settings = {
  ...defaultSettings("Europe/Berlin"),
  overtime: {
    preset: "custom",
    dailyOvertimeAfterSeconds: 8.25 * 3600,
    dailyDoubleTimeAfterSeconds: null,
    weeklyOvertimeAfterSeconds: 39 * 3600,
    seventhDay: true,
    overtimeMultiplier: 1.33,
    doubleTimeMultiplier: 2,
  },
  requireLocation: true,
};

/** Every section the settings form edits: all but `branding`, which has its own page. */
function formSections({ branding: _, ...rest }: Settings): Omit<Settings, "branding"> {
  return rest;
}

Deno.test("settings → form → settings is the identity (branding is left to its own page)", () => {
  for (const s of [defaultSettings("America/New_York"), custom]) {
    const read = settingsFromForm(settingsToForm(s, 4));
    assert.deepEqual(read, { ok: true, settings: formSections(s), version: 4 });
    assert.ok(read.ok && !("branding" in read.settings), "the form never sends branding");
  }
});

Deno.test("odd durations set through the API survive the form unchanged", () => {
  const base = defaultSettings("UTC");
  const odd: Settings = {
    ...custom,
    overtime: { ...custom.overtime, dailyOvertimeAfterSeconds: 29_999 } as Settings["overtime"],
    breaks: {
      ...base.breaks,
      autoDeduct: { enabled: true, afterWorkedSeconds: 1, deductSeconds: 61 },
    },
  };
  const read = settingsFromForm(settingsToForm(odd, 0));
  assert.ok(read.ok);
  assert.deepEqual(read.settings, formSections(odd));
});

Deno.test("blank and removed rows are dropped; codes come from names", () => {
  const v = settingsToForm(defaultSettings("UTC"), 0);
  v["breaks.types.1.remove"] = "true";
  v["breaks.types.2.id"] = "";
  v["breaks.types.2.name"] = "";
  v["breaks.types.3.name"] = "Café pause";
  const read = settingsFromForm(v);
  assert.ok(read.ok);
  assert.deepEqual(read.settings.breaks.types.map((t) => t.id), ["meal", "cafe_pause"]);
  assert.deepEqual(rowIndexes(v, "breaks.types"), [0, 1, 2, 3]);
  assert.equal(codeFromName("  Sick -- leave (paid)! "), "sick_leave_paid");
});

Deno.test("messages are keyed by the field that shows them", () => {
  const v = settingsToForm(custom, 1);
  v["overtime.dailyDoubleTimeAfterHours"] = "8";
  v["pto.types.0.accrual.perWorkedHours"] = "0.5";
  v["pto.types.2.maxBalanceHours"] = "-1";
  v.version = "one";
  const read = settingsFromForm(v);
  assert.ok(!read.ok);
  assert.deepEqual(Object.fromEntries(read.issues.map((i) => [i.path, i.message])), {
    version: "Reload the page and try again",
    "overtime.dailyDoubleTimeAfterHours": "Double time must start after daily overtime",
    "pto.types.0.accrual.perWorkedHours": "Enter 1 to 672 hours",
    "pto.types.2.maxBalanceHours": "Enter a number of hours, like 7.5",
  });
});
