import assert from "node:assert/strict";
import { DomainError } from "../errors.ts";
import { defaultSettings } from "../settings/schema.ts";
import { entitlementsOf } from "./entitlements.ts";
import { newBillingRecord } from "./lifecycle.ts";
import { assertFeature, assertSettingsChangeAllowed, effectiveSettings } from "./gates.ts";
import { assertWithinLimit, limitCheck } from "./limits.ts";
import type { Feature, PlanId } from "./plans.ts";

const T0 = Date.UTC(2026, 10, 2);

function ent(plan: PlanId, disabled: Feature[] = []) {
  return entitlementsOf(newBillingRecord(T0), disabled, T0, { enabled: false, defaultPlan: plan });
}

function refusal(fn: () => void): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

Deno.test("a feature outside the plan: 403 feature_not_in_plan naming the cheapest plan with it", () => {
  const err = refusal(() => assertFeature(ent("free"), "pto"));
  assert.equal(err.kind, "forbidden");
  assert.equal(err.code, "feature_not_in_plan");
  assert.deepEqual(err.details, { feature: "pto", plan: "free", upgradeTo: "team" });
  const sso = refusal(() => assertFeature(ent("business"), "sso"));
  assert.deepEqual(sso.details, { feature: "sso", plan: "business", upgradeTo: "enterprise" });
  assertFeature(ent("team"), "pto");
});

Deno.test("a feature switched off by an admin: 403 feature_disabled, even on enterprise", () => {
  const err = refusal(() => assertFeature(ent("enterprise", ["pto"]), "pto"));
  assert.equal(err.code, "feature_disabled");
  assert.deepEqual(err.details, { feature: "pto", plan: "enterprise" });
  // Switching off a feature the plan lacks still reads as "not in plan".
  assert.equal(
    refusal(() => assertFeature(ent("free", ["pto"]), "pto")).code,
    "feature_not_in_plan",
  );
});

Deno.test("settings of features that are off are kept but not applied", () => {
  const s = { ...defaultSettings("UTC"), requireLocation: true };
  assert.equal(effectiveSettings(s, ent("enterprise")), s);
  const free = effectiveSettings(s, ent("free"));
  assert.deepEqual(free.overtime, { preset: "none" });
  assert.equal(free.requireLocation, false);
  const team = effectiveSettings(s, ent("team"));
  assert.deepEqual(team.overtime, s.overtime);
  assert.equal(team.requireLocation, false);
});

Deno.test("changing settings of a feature that is off is refused; sending them back is not", () => {
  const s = defaultSettings("UTC");
  const free = ent("free");
  assertSettingsChangeAllowed(free, s, { overtime: { preset: "flsa" }, requireLocation: false });
  assertSettingsChangeAllowed(free, s, JSON.parse(JSON.stringify(s)));
  assert.equal(
    refusal(() => assertSettingsChangeAllowed(free, s, { overtime: { preset: "none" } })).code,
    "feature_not_in_plan",
  );
  assert.deepEqual(
    refusal(() => assertSettingsChangeAllowed(free, s, { requireLocation: true })).details,
    { feature: "geofencing", plan: "free", upgradeTo: "business" },
  );
  // Turning the requirement off never needs the feature.
  assertSettingsChangeAllowed(free, { ...s, requireLocation: true }, { requireLocation: false });
});

Deno.test("limits refuse only what goes beyond them, naming the plan that allows it", () => {
  const free = ent("free");
  assertWithinLimit(free, "activeMembers", 5);
  const err = refusal(() => assertWithinLimit(free, "activeMembers", 6));
  assert.equal(err.kind, "payment_required");
  assert.equal(err.code, "plan_limit");
  assert.deepEqual(err.details, {
    limit: 5,
    current: 5,
    wouldBe: 6,
    plan: "free",
    upgradeTo: "team",
  });
  assert.deepEqual(
    refusal(() => limitCheck(ent("business"), "activeMembers")(501)).details,
    { limit: 500, current: 500, wouldBe: 501, plan: "business", upgradeTo: "enterprise" },
  );
  assertWithinLimit(ent("enterprise"), "locations", 10_000);
  assert.equal(
    (refusal(() => assertWithinLimit(free, "locations", 2)).details as { upgradeTo: string })
      .upgradeTo,
    "team",
  );
});
