/**
 * The operator view (read-only): organizations by plan and state, trials ending soon, past-due
 * accounts, the monthly recurring revenue estimate, the largest organizations, and one
 * organization's billing details. Shows no tenant data beyond an organization's profile and
 * counts.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { PageHeader } from "../forms.tsx";
import type { OperatorOrgDetail, OperatorOverview, OrgSummary } from "../../lib/billing/ops.ts";
import { type LimitName, PLAN_IDS, PLANS } from "../../lib/billing/plans.ts";
import { byteSize, dollars, LIMIT_LABELS, limitText } from "../../lib/billing/catalog_text.ts";
import type { DeadJob, PendingJob } from "../../lib/jobs/outbox.ts";
import type { StoredMail } from "../../lib/mail/mail.ts";

const iso = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().slice(0, 10));
const isoTime = (ms: number | null) =>
  ms === null ? "—" : new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/** What a job is about, for operators (never a mail's body). */
function jobSubject(job: DeadJob["job"]): string {
  return job.kind === "send_mail"
    ? `to ${job.mail.to}: ${job.mail.subject}`
    : `organization ${job.orgId}`;
}

/** Background jobs as operators see them: dead letters with a retry, and the waiting outbox. */
export function JobsSection({ dead, pending }: { dead: DeadJob[]; pending: PendingJob[] }) {
  return (
    <section class="card" aria-labelledby="ops-jobs">
      <h2 id="ops-jobs">Background jobs</h2>
      <h3>Dead letters</h3>
      {dead.length === 0 ? <p class="empty" id="ops-dead-jobs">None.</p> : (
        <div class="table-wrap">
          <table class="figures" id="ops-dead-jobs">
            <caption class="visually-hidden">Jobs that failed every delivery</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">About</th>
                <th scope="col">Failed</th>
                <th scope="col">Error</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {dead.map((d) => (
                <tr key={d.job.id} data-job={d.job.id}>
                  <th scope="row">
                    {d.job.kind} <code>{d.job.id}</code>
                  </th>
                  <td>{jobSubject(d.job)}</td>
                  <td>{isoTime(d.failedAt)}</td>
                  <td>{d.error ?? "—"}</td>
                  <td>
                    <form method="post" action={`/ops/jobs/${d.job.id}/retry`} class="inline-form">
                      <button type="submit" class="btn btn-quiet btn-small">Retry</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Waiting in the outbox</h3>
      {pending.length === 0
        ? <p class="empty" id="ops-pending-jobs">None.</p>
        : (
          <div class="table-wrap">
            <table class="figures" id="ops-pending-jobs">
              <caption class="visually-hidden">Jobs waiting for their hand-off</caption>
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">About</th>
                  <th scope="col">Failed hand-offs</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((p) => (
                  <tr key={p.job.id} data-job={p.job.id}>
                    <th scope="row">
                      {p.job.kind} <code>{p.job.id}</code>
                    </th>
                    <td>{jobSubject(p.job)}</td>
                    <td>{p.attempts}</td>
                    <td>{p.lastError ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <p class="hint">
        Waiting jobs are handed off every few seconds. <a href="/ops/mail">Mail sent</a>
      </p>
    </section>
  );
}

/** Props of {@linkcode OpsMailPage}. */
export interface OpsMailPageProps extends Pick<LayoutProps, "userName"> {
  /** The embedded mailbox, newest first; null when mail goes out over SMTP. */
  mail: StoredMail[] | null;
}

/** The embedded mailbox (no `SMTP_URL`), newest first. */
export function OpsMailPage({ mail, userName }: OpsMailPageProps) {
  return (
    <Layout title="Mail · Operations" userName={userName}>
      <p class="crumbs">
        <a href="/ops">Operations</a>
      </p>
      <PageHeader
        title="Mail"
        lead={mail === null
          ? "Mail goes out over SMTP (SMTP_URL); this server keeps no copy."
          : "Every mail this server sent, newest first (kept 30 days). Times are UTC."}
      />
      {mail !== null && (mail.length === 0
        ? <p class="empty" id="ops-mail">No mail yet.</p>
        : (
          <ol class="stack" id="ops-mail">
            {mail.map((m) => (
              <li key={m.id} class="card" data-mail={m.id}>
                <h2 class="mail-subject">{m.subject}</h2>
                <dl class="facts">
                  <div>
                    <dt>To</dt>
                    <dd data-col="to">{m.to}</dd>
                  </div>
                  <div>
                    <dt>Sent</dt>
                    <dd>{isoTime(m.sentAt)}</dd>
                  </div>
                </dl>
                <pre class="mail-text">{m.text}</pre>
              </li>
            ))}
          </ol>
        ))}
    </Layout>
  );
}

function OrgTable(
  { id, caption, orgs, columns }: {
    id: string;
    caption: string;
    orgs: OrgSummary[];
    columns: ("plan" | "state" | "members" | "entries" | "trialEndsAt" | "graceEndsAt" | "mrr")[];
  },
) {
  if (orgs.length === 0) return <p class="empty" id={id}>None.</p>;
  const head = {
    plan: "Plan",
    state: "State",
    members: "Active members",
    entries: "Entries (30 days)",
    trialEndsAt: "Trial ends",
    graceEndsAt: "Grace ends",
    mrr: "MRR",
  };
  return (
    <div class="table-wrap">
      <table class="figures" id={id}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Organization</th>
            {columns.map((c) => <th key={c} scope="col">{head[c]}</th>)}
          </tr>
        </thead>
        <tbody>
          {orgs.map((o) => (
            <tr key={o.id} data-org={o.id}>
              <th scope="row">
                <a href={`/ops/orgs/${o.id}`}>{o.name}</a>
              </th>
              {columns.map((c) => (
                <td key={c} data-col={c}>
                  {c === "plan"
                    ? PLANS[o.plan].name
                    : c === "state"
                    ? o.state
                    : c === "members"
                    ? o.activeMembers
                    : c === "entries"
                    ? o.entriesCreated30d
                    : c === "trialEndsAt"
                    ? iso(o.trialEndsAt)
                    : c === "graceEndsAt"
                    ? iso(o.graceEndsAt)
                    : dollars(o.mrrCents)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Props of {@linkcode OpsPage}. */
export interface OpsPageProps extends Pick<LayoutProps, "userName"> {
  overview: OperatorOverview;
  /** Dead letters and waiting jobs. */
  jobs: { dead: DeadJob[]; pending: PendingJob[] };
}

/** The operator overview. */
export function OpsPage({ overview: o, jobs, userName }: OpsPageProps) {
  return (
    <Layout title="Operations" userName={userName}>
      <PageHeader
        title="Operations"
        lead={`${o.organizations} organizations${
          o.billingEnabled ? "" : " (billing is off: every organization has the default plan)"
        }. Read-only but for job retries; dates are UTC.`}
      />
      <JobsSection dead={jobs.dead} pending={jobs.pending} />
      <section class="card" aria-labelledby="ops-mrr">
        <h2 id="ops-mrr">Monthly recurring revenue</h2>
        <p class="price" data-mrr-cents={o.mrrCents}>{dollars(o.mrrCents)}</p>
        <p class="hint">
          An estimate: paid subscriptions in force (active, canceling or in their grace period),
          yearly prices as a twelfth, per-member plans times their billed seats.
        </p>
      </section>
      <section class="card" aria-labelledby="ops-plans">
        <h2 id="ops-plans">Organizations by plan and state</h2>
        <div class="table-wrap">
          <table class="figures" id="ops-by-plan">
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col">Organizations</th>
              </tr>
            </thead>
            <tbody>
              {PLAN_IDS.map((p) => (
                <tr key={p} data-plan={p}>
                  <th scope="row">{PLANS[p].name}</th>
                  <td data-col="count">{o.byPlan[p]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="table-wrap">
          <table class="figures" id="ops-by-state">
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Organizations</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(o.byState).map(([state, n]) => (
                <tr key={state} data-state={state}>
                  <th scope="row">{state}</th>
                  <td data-col="count">{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="ops-trials">
        <h2 id="ops-trials">Trials ending in the next 7 days</h2>
        <OrgTable
          id="ops-trials-table"
          caption="Trials ending soon"
          orgs={o.trialsEnding}
          columns={["trialEndsAt", "members", "entries"]}
        />
      </section>
      <section class="card" aria-labelledby="ops-past-due">
        <h2 id="ops-past-due">Past due</h2>
        <OrgTable
          id="ops-past-due-table"
          caption="Past-due accounts"
          orgs={o.pastDue}
          columns={["plan", "graceEndsAt", "mrr", "members"]}
        />
      </section>
      <section class="card" aria-labelledby="ops-largest">
        <h2 id="ops-largest">Largest organizations</h2>
        <h3>By active members</h3>
        <OrgTable
          id="ops-by-members"
          caption="Largest by active members"
          orgs={o.largestByMembers}
          columns={["members", "plan", "state"]}
        />
        <h3>By time entries created in the last 30 days</h3>
        <OrgTable
          id="ops-by-entries"
          caption="Largest by entries"
          orgs={o.largestByEntries}
          columns={["entries", "plan", "state"]}
        />
      </section>
    </Layout>
  );
}

/** Props of {@linkcode OpsOrgPage}. */
export interface OpsOrgPageProps extends Pick<LayoutProps, "userName"> {
  detail: OperatorOrgDetail;
}

/** One organization, for operators. */
export function OpsOrgPage({ detail: d, userName }: OpsOrgPageProps) {
  const r = d.record;
  const used: Record<LimitName, string> = {
    activeMembers: String(d.current.activeMembers),
    locations: String(d.current.locations),
    storageBytes: d.current.storageBytes === null
      ? "not measured"
      : byteSize(d.current.storageBytes),
    apiRequestsPerMinute: `${d.usage.at(-1)?.apiRequests ?? 0} today`,
  };
  const rows: [string, string][] = [
    ["Id", d.summary.id],
    ["Slug", d.summary.slug],
    ["Time zone", d.timeZone],
    ["Created", iso(d.summary.createdAt)],
    ["Plan in force", PLANS[d.summary.plan].name],
    ["State", d.standing.state],
    ["Subscribed plan", PLANS[r.plan].name],
    ["Subscription status", r.status],
    ["Interval", r.interval ?? "—"],
    ["Seats billed", String(r.quantity)],
    ["Trial ends", iso(r.trialEndsAt)],
    ["Current period ends", iso(r.currentPeriodEnd)],
    ["Cancels at period end", r.cancelAtPeriodEnd ? "yes" : "no"],
    ["Past due since", iso(r.pastDueSince)],
    ["Stripe customer", r.stripeCustomerId ?? "—"],
    ["Stripe subscription", r.stripeSubscriptionId ?? "—"],
    ["MRR", dollars(d.summary.mrrCents)],
  ];
  return (
    <Layout title={`${d.summary.name} · Operations`} userName={userName}>
      <p class="crumbs">
        <a href="/ops">Operations</a>
      </p>
      <PageHeader title={d.summary.name} lead="Billing and usage (read-only)." />
      <section class="card" aria-labelledby="ops-org-billing">
        <h2 id="ops-org-billing">Billing</h2>
        <dl class="facts" id="ops-org-facts">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="card" aria-labelledby="ops-org-limits">
        <h2 id="ops-org-limits">Limits and usage</h2>
        <div class="table-wrap">
          <table class="figures" id="ops-org-limits-table">
            <thead>
              <tr>
                <th scope="col">Limit</th>
                <th scope="col">Used</th>
                <th scope="col">Allowed</th>
              </tr>
            </thead>
            <tbody>
              {(Object.keys(LIMIT_LABELS) as LimitName[]).map((n) => (
                <tr key={n} data-limit={n}>
                  <th scope="row">{LIMIT_LABELS[n]}</th>
                  <td data-col="used">{used[n]}</td>
                  <td data-col="limit">{limitText(n, d.limits[n])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="table-wrap">
          <table class="figures" id="ops-org-usage">
            <caption>Usage per UTC day, last 30 days</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Active members</th>
                <th scope="col">Entries created</th>
                <th scope="col">API requests</th>
                <th scope="col">Webhook deliveries</th>
              </tr>
            </thead>
            <tbody>
              {d.usage.map((u) => (
                <tr key={u.date}>
                  <th scope="row">{u.date}</th>
                  <td>{u.activeMembers ?? "—"}</td>
                  <td>{u.entriesCreated}</td>
                  <td>{u.apiRequests}</td>
                  <td>{u.webhookDeliveries}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}
