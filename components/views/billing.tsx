/**
 * The admins' billing page: the plan in force and its state (trial days left, grace period,
 * cancellation), limits next to what is used, the last 30 days of usage as a chart with the same
 * figures in a table, and the buttons to subscribe or change plan (Stripe Checkout) and to manage
 * billing (the customer portal). While billing is off it says that every organization has the
 * configured plan.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { PageHeader } from "../forms.tsx";
import { UsageChart } from "../usage_chart.tsx";
import { island } from "../islands.tsx";
import type { BillingStatus } from "../../lib/billing/status.ts";
import { FEATURE_LABELS, type PlanId, PLANS } from "../../lib/billing/plans.ts";
import {
  byteSize,
  isAvailable,
  LIMIT_LABELS,
  limitText,
  monthlyPriceText,
  yearlyPriceText,
} from "../../lib/billing/catalog_text.ts";

const BillingActionIsland = island("BillingAction");

/** Props of {@linkcode BillingPage}. */
export interface BillingPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  status: BillingStatus;
  /** The organization's time zone (dates are shown in it). */
  timeZone: string;
  now: number;
  /** The organization has a Stripe customer: the portal can be opened. */
  canManage: boolean;
  /** Plans offered through Checkout (paid, self-serve). */
  checkoutPlans: readonly Exclude<PlanId, "free">[];
}

const DAY_MS = 24 * 3600 * 1000;

function daysLeft(until: number, now: number): string {
  const d = Math.max(0, Math.ceil((until - now) / DAY_MS));
  return `${d} day${d === 1 ? "" : "s"} left`;
}

function day(ms: number, timeZone: string): string {
  return new Date(ms).toLocaleDateString("en-US", {
    timeZone,
    month: "long",
    day: "numeric",
    year: "numeric",
  });
}

/** What the state of the subscription means, in a sentence. */
function stateText(s: BillingStatus, timeZone: string, now: number): string {
  const plan = PLANS[s.plan].name;
  switch (s.status) {
    case "unmanaged":
      return `Self-hosted: every organization has the ${plan} plan.`;
    case "trial":
      return `Trial of the ${plan} plan: ${daysLeft(s.trialEndsAt!, now)} (ends ${
        day(s.trialEndsAt!, timeZone)
      }). Afterwards the organization has the Free plan unless you subscribe.`;
    case "trial_expired":
      return "The trial has ended: the organization has the Free plan.";
    case "active":
      return `Subscribed to ${PLANS[s.subscribedPlan].name}${
        s.interval ? `, billed ${s.interval}` : ""
      }${
        s.currentPeriodEnd ? `; the current period ends ${day(s.currentPeriodEnd, timeZone)}` : ""
      }.`;
    case "grace":
      return `The last payment failed. The ${plan} plan stays in force during a grace period until ${
        day(s.graceEndsAt!, timeZone)
      } (${daysLeft(s.graceEndsAt!, now)}); update the payment method to keep it.`;
    case "grace_expired":
      return "Payment is overdue and the grace period has ended: the organization has the Free plan.";
    case "canceling":
      return `The subscription to ${plan} is canceled and ends ${
        day(s.currentPeriodEnd ?? now, timeZone)
      }; then the organization has the Free plan.`;
    case "canceled":
      return "The subscription has ended: the organization has the Free plan.";
  }
}

/** One limit next to what is used (a `<meter>`, no inline style needed). */
function LimitRow(
  { label, used, limit, usedText, limitLabel }: {
    label: string;
    used: number | null;
    limit: number | null;
    usedText: string;
    limitLabel: string;
  },
) {
  const over = limit !== null && used !== null && used > limit;
  return (
    <tr data-over={over ? "true" : undefined}>
      <th scope="row">{label}</th>
      <td data-col="used">{usedText}</td>
      <td data-col="limit">{limitLabel}</td>
      <td>
        {limit !== null && limit > 0 && used !== null
          ? (
            <meter
              min={0}
              max={limit}
              low={limit * 0.8}
              high={limit * 0.95}
              optimum={0}
              value={Math.min(used, limit)}
              aria-label={`${label}: ${usedText} of ${limitLabel}`}
            />
          )
          : null}
        {over && <span class="over-limit">Over the limit: only additions are refused</span>}
      </td>
    </tr>
  );
}

/** The billing page. */
export function BillingPage(p: BillingPageProps) {
  const { status: s, timeZone, now } = p;
  const orgId = p.org!.id;
  const plan = PLANS[s.plan];
  const cur = s.usage.current;
  // Only built features are in force; the plan's unbuilt ones are named as coming.
  const inForce = s.features.filter(isAvailable);
  const coming = s.planFeatures.filter((f) => !isAvailable(f));
  const series = s.usage.series;
  return (
    <Layout title="Billing" active="billing" userName={p.userName} org={p.org} flash={p.flash}>
      <PageHeader title="Billing" lead={`This organization has the ${plan.name} plan.`} />

      <section class="card" aria-labelledby="billing-plan">
        <h2 id="billing-plan">Plan</h2>
        <p data-state={s.status}>{stateText(s, timeZone, now)}</p>
        {s.billingEnabled && p.canManage && (
          <BillingActionIsland orgId={orgId} action="portal" label="Manage billing" />
        )}
        {!s.billingEnabled && (
          <p class="hint">
            Billing is not configured on this server, so nothing is charged and the plan does not
            change.
          </p>
        )}
        <p class="hint">
          Features in force:{" "}
          {inForce.length ? inForce.map((f) => FEATURE_LABELS[f]).join(", ") : "none"}.
          {s.disabledFeatures.length > 0 &&
            ` Switched off in the settings: ${
              s.disabledFeatures.map((f) => FEATURE_LABELS[f]).join(", ")
            }.`}
          {coming.length > 0 &&
            ` Coming soon to this plan: ${coming.map((f) => FEATURE_LABELS[f]).join(", ")}.`}
        </p>
      </section>

      <section class="card" aria-labelledby="billing-limits">
        <h2 id="billing-limits">Limits and usage</h2>
        <div class="table-wrap">
          <table class="figures">
            <thead>
              <tr>
                <th scope="col">Limit</th>
                <th scope="col">Used</th>
                <th scope="col">Allowed</th>
                <th scope="col">
                  <span class="visually-hidden">Share of the limit</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(["activeMembers", "locations", "storageBytes"] as const).map((name) => (
                <LimitRow
                  key={name}
                  label={LIMIT_LABELS[name]}
                  used={cur[name]}
                  limit={s.limits[name]}
                  usedText={name === "storageBytes" ? byteSize(cur[name]) : String(cur[name])}
                  limitLabel={limitText(name, s.limits[name])}
                />
              ))}
              <tr>
                <th scope="row">{LIMIT_LABELS.apiRequestsPerMinute}</th>
                <td data-col="used">{s.usage.today.apiRequests.toLocaleString("en-US")} today</td>
                <td data-col="limit">
                  {limitText("apiRequestsPerMinute", s.limits.apiRequestsPerMinute)}
                </td>
                <td />
              </tr>
            </tbody>
          </table>
        </div>
        <p class="hint">
          Going over a smaller plan's limits never deletes anything: everything stays readable and
          exportable, and only additions beyond a limit are refused until you are back under it.
          Storage is an estimate, measured once a day.
        </p>
        <ApiKeyUsage status={s} />
      </section>

      <section class="card" aria-labelledby="billing-usage">
        <h2 id="billing-usage">Last 30 days</h2>
        <div class="usage-charts">
          <UsageChart
            id="chart-entries"
            title="Time entries created per day"
            unit="entries"
            points={series.map((d) => ({ date: d.date, value: d.entriesCreated }))}
          />
          <UsageChart
            id="chart-api"
            title="API requests per day"
            unit="requests"
            points={series.map((d) => ({ date: d.date, value: d.apiRequests }))}
          />
        </div>
        <details>
          <summary>Usage by day (table)</summary>
          <div class="table-wrap">
            <table class="figures" id="usage-table">
              <caption class="visually-hidden">Usage per UTC day, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col">Active members</th>
                  <th scope="col">Entries created</th>
                  <th scope="col">API requests</th>
                  <th scope="col">Webhook deliveries</th>
                  <th scope="col">Storage</th>
                </tr>
              </thead>
              <tbody>
                {series.map((d) => (
                  <tr key={d.date}>
                    <th scope="row">{d.date}</th>
                    <td data-col="activeMembers">{d.activeMembers ?? "—"}</td>
                    <td data-col="entriesCreated">{d.entriesCreated}</td>
                    <td data-col="apiRequests">{d.apiRequests}</td>
                    <td data-col="webhookDeliveries">{d.webhookDeliveries}</td>
                    <td data-col="storageBytes">
                      {d.storageBytes === null ? "—" : byteSize(d.storageBytes)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      {s.billingEnabled && (
        <section class="card" aria-labelledby="billing-plans">
          <h2 id="billing-plans">Change plan</h2>
          <p class="hint">
            Per-member plans bill every active member. <a href="/pricing">Compare the plans</a>.
          </p>
          <ul class="plan-choices">
            {p.checkoutPlans.map((id) => {
              const offer = PLANS[id];
              const current = s.subscribedPlan === id &&
                (s.status === "active" || s.status === "canceling" || s.status === "grace");
              return (
                <li key={id} class="plan-choice" data-plan={id}>
                  <h3>{offer.name}{current && " (your plan)"}</h3>
                  <p class="hint">
                    {monthlyPriceText(offer)}, or {yearlyPriceText(offer)}
                  </p>
                  {!current && (
                    <div class="plan-buttons">
                      <BillingActionIsland
                        orgId={orgId}
                        action="checkout"
                        plan={id}
                        interval="monthly"
                        label={`${offer.name}, monthly`}
                        primary
                      />
                      <BillingActionIsland
                        orgId={orgId}
                        action="checkout"
                        plan={id}
                        interval="yearly"
                        label={`${offer.name}, yearly`}
                      />
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
          <noscript>
            <p class="hint">Subscribing opens Stripe's checkout, which needs JavaScript.</p>
          </noscript>
        </section>
      )}
      <p class="hint">Dates are shown in the organization's time zone; usage days are UTC days.</p>
    </Layout>
  );
}

/**
 * API requests per key beside the organization's total (which also counts the team's own
 * browser requests; only API keys are held to the plan's requests per minute).
 */
function ApiKeyUsage({ status: s }: { status: BillingStatus }) {
  const keys = s.usage.apiKeys;
  const total30 = s.usage.series.reduce((n, d) => n + d.apiRequests, 0);
  return (
    <>
      <h3 id="billing-api-keys">API requests by key</h3>
      {keys.length === 0
        ? <p class="hint">No API key made requests in the last 30 days.</p>
        : (
          <div class="table-wrap">
            <table class="figures" id="api-key-usage" aria-labelledby="billing-api-keys">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Today</th>
                  <th scope="col">Last 30 days</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.keyId}>
                    <th scope="row">
                      <code>{k.label}</code>
                    </th>
                    <td data-col="today">{k.today.toLocaleString("en-US")}</td>
                    <td data-col="total">{k.total.toLocaleString("en-US")}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Organization (all requests)</th>
                  <td data-col="today">{s.usage.today.apiRequests.toLocaleString("en-US")}</td>
                  <td data-col="total">{total30.toLocaleString("en-US")}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
    </>
  );
}
