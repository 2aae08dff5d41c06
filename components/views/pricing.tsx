/**
 * The public pricing page, rendered from the plan catalog (`lib/billing/plans.ts`) with the same
 * wording as `docs/plans.md` (`lib/billing/catalog_text.ts`): every plan with its monthly and
 * yearly price, its limits and its features. Only built features are shown as included; the
 * ones not built yet are listed apart as coming soon, with the plans they are planned for.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { PageHeader } from "../forms.tsx";
import { FEATURE_LABELS, type LimitName, PLAN_IDS, PLANS } from "../../lib/billing/plans.ts";
import {
  AVAILABLE_FEATURES,
  COMING_FEATURES,
  LIMIT_LABELS,
  limitText,
  monthlyPriceText,
  planHas,
  planPlans,
  REPORTING_ROWS,
  yearlyPriceText,
} from "../../lib/billing/catalog_text.ts";
import { TRIAL_MS, TRIAL_PLAN } from "../../lib/billing/lifecycle.ts";

/** Props of {@linkcode PricingPage}. */
export type PricingPageProps = Pick<LayoutProps, "userName" | "org">;

/** The pricing page. */
export function PricingPage(p: PricingPageProps) {
  const plans = PLAN_IDS.map((id) => PLANS[id]);
  const trialDays = Math.round(TRIAL_MS / (24 * 3600 * 1000));
  return (
    <Layout title="Pricing" userName={p.userName} org={p.org}>
      <PageHeader
        title="Pricing"
        lead={`Every new organization tries ${
          PLANS[TRIAL_PLAN].name
        } free for ${trialDays} days, no card needed. Prices in US dollars.`}
      />
      <ul class="pricing-plans">
        {plans.map((plan) => (
          <li key={plan.id} class="card pricing-plan" data-plan={plan.id}>
            <h2>{plan.name}</h2>
            <p class="hint">{plan.tagline}</p>
            <p class="price" data-price="monthly">{monthlyPriceText(plan)}</p>
            {plan.yearlyCents > 0 && (
              <p class="hint" data-price="yearly">or {yearlyPriceText(plan)}</p>
            )}
            <ul class="plain-list">
              {(Object.keys(LIMIT_LABELS) as LimitName[]).map((name) => (
                <li key={name} data-limit={name}>
                  {LIMIT_LABELS[name]}: {limitText(name, plan.limits[name])}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <div class="table-wrap">
        <table class="figures" id="pricing-features">
          <caption class="visually-hidden">Features by plan</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              {plans.map((plan) => <th key={plan.id} scope="col">{plan.name}</th>)}
            </tr>
          </thead>
          <tbody>
            {AVAILABLE_FEATURES.map((f) => (
              <tr key={f} data-feature={f}>
                <th scope="row">{FEATURE_LABELS[f]}</th>
                {plans.map((plan) => (
                  <td key={plan.id} data-plan={plan.id}>
                    {planHas(plan, f) ? "Included" : <span aria-label="Not included">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table class="figures" id="pricing-reporting">
          <caption class="visually-hidden">Reporting by plan</caption>
          <thead>
            <tr>
              <th scope="col">Reporting</th>
              {plans.map((plan) => <th key={plan.id} scope="col">{plan.name}</th>)}
            </tr>
          </thead>
          <tbody>
            {REPORTING_ROWS.map((r) => (
              <tr key={r.key} data-reporting={r.key}>
                <th scope="row">{r.label}</th>
                {plans.map((plan) => (
                  <td key={plan.id} data-plan={plan.id}>
                    {r.text(plan) === "—"
                      ? <span aria-label="Not included">—</span>
                      : r.text(plan) === "yes"
                      ? "Included"
                      : r.text(plan)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 id="pricing-coming-title">Coming soon</h2>
      <p class="hint">
        Not available yet on any plan. When they ship, they will come with the plans marked here.
      </p>
      <div class="table-wrap">
        <table class="figures" id="pricing-coming" aria-labelledby="pricing-coming-title">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              {plans.map((plan) => <th key={plan.id} scope="col">{plan.name}</th>)}
            </tr>
          </thead>
          <tbody>
            {COMING_FEATURES.map((f) => (
              <tr key={f} data-feature={f} data-status="coming-soon">
                <th scope="row">{FEATURE_LABELS[f]} (coming soon)</th>
                {plans.map((plan) => (
                  <td key={plan.id} data-plan={plan.id}>
                    {planPlans(plan, f) ? "Planned" : <span aria-label="Not planned">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a class="btn btn-primary" href={p.userName ? "/app" : "/signup"}>
          {p.userName ? "Back to ClockFlow" : "Start your free trial"}
        </a>
      </p>
    </Layout>
  );
}
