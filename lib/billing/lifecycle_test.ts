import { deepEqual, equal } from "node:assert/strict";
import { type BillingRecord, GRACE_MS, newBillingRecord, standing, TRIAL_MS } from "./lifecycle.ts";

const T0 = Date.UTC(2026, 10, 1);
const on = { enabled: true, defaultPlan: "enterprise" as const };
const DAY = 24 * 3600 * 1000;

Deno.test("a new organization tries business for 14 days, then falls to free", () => {
  const r = newBillingRecord(T0);
  deepEqual(standing(r, T0, on), {
    plan: "business",
    state: "trial",
    banner: { kind: "trial", until: T0 + TRIAL_MS },
  });
  equal(standing(r, T0 + TRIAL_MS - 1, on).plan, "business");
  deepEqual(standing(r, T0 + TRIAL_MS, on), { plan: "free", state: "trial_expired", banner: null });
});

Deno.test("without billing everyone has the default plan", () => {
  const r = newBillingRecord(T0);
  equal(
    standing(r, T0 + 100 * DAY, { enabled: false, defaultPlan: "enterprise" }).plan,
    "enterprise",
  );
  equal(standing(r, T0, { enabled: false, defaultPlan: "team" }).state, "unmanaged");
});

Deno.test("past due keeps the plan for 7 days with a banner, then free; paying restores it", () => {
  const paid: BillingRecord = {
    ...newBillingRecord(T0),
    plan: "team",
    status: "active",
    currentPeriodEnd: T0 + 30 * DAY,
  };
  equal(standing(paid, T0 + 20 * DAY, on).plan, "team");
  const due: BillingRecord = { ...paid, status: "past_due", pastDueSince: T0 + 31 * DAY };
  deepEqual(standing(due, T0 + 35 * DAY, on), {
    plan: "team",
    state: "grace",
    banner: { kind: "past_due", until: T0 + 31 * DAY + GRACE_MS },
  });
  deepEqual(standing(due, T0 + 31 * DAY + GRACE_MS, on), {
    plan: "free",
    state: "grace_expired",
    banner: null,
  });
  const recovered: BillingRecord = {
    ...due,
    status: "active",
    pastDueSince: null,
    currentPeriodEnd: T0 + 61 * DAY,
  };
  equal(standing(recovered, T0 + 40 * DAY, on).plan, "team");
});

Deno.test("cancel at period end keeps the plan until the period ends", () => {
  const r: BillingRecord = {
    ...newBillingRecord(T0),
    plan: "business",
    status: "active",
    cancelAtPeriodEnd: true,
    currentPeriodEnd: T0 + 30 * DAY,
  };
  equal(standing(r, T0 + 29 * DAY, on).state, "canceling");
  equal(standing(r, T0 + 29 * DAY, on).plan, "business");
  equal(standing(r, T0 + 30 * DAY, on).plan, "free");
  equal(standing({ ...r, status: "canceled" }, T0 + DAY, on).plan, "free");
});
