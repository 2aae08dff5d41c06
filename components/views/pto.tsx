/**
 * Time-off pages: "Time off" (my balances, my requests, the request form; for managers the
 * pending approvals; the team calendar as a list by day) and, for managers, member balances
 * with their ledger and the adjustment form. Every action is a plain form post, so the pages
 * work without JavaScript.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, Field, type FormError, PageHeader, SelectField } from "../forms.tsx";

/** One balance as shown. */
export interface PtoBalanceItem {
  typeId: string;
  name: string;
  paid: boolean;
  /** False for types without accrual: no balance is kept. */
  tracked: boolean;
  balanceSeconds: number;
  scheduledSeconds: number;
  availableSeconds: number;
  pendingSeconds: number;
}

/** A request as listed. */
export interface PtoRequestItem {
  id: string;
  /** Whose request (shown in the approvals list). */
  name: string;
  typeName: string;
  startDate: string;
  endDate: string;
  dayCount: number;
  secondsPerDay: number | null;
  totalSeconds: number;
  status: "pending" | "approved" | "rejected" | "cancelled";
  note: string | null;
  decisionReason: string | null;
  canCancel: boolean;
  /** In the approvals list: whether the viewer may decide (managers not on their own). */
  canDecide?: boolean;
}

/** A type in the request form. */
export interface PtoTypeOption {
  id: string;
  name: string;
  paid: boolean;
  hoursPerDaySeconds: number;
}

/** A person away on a calendar day. */
export interface CalendarEntry {
  name: string;
  typeName: string;
  status: "pending" | "approved";
  seconds: number;
  self: boolean;
}

/** A calendar day with someone away. */
export interface CalendarDayItem {
  date: string;
  entries: CalendarEntry[];
}

/** The month shown by the calendar. */
export interface CalendarMonth {
  /** `YYYY-MM`. */
  month: string;
  label: string;
  prevHref: string;
  nextHref: string;
  /** Only days with someone away. */
  days: CalendarDayItem[];
}

/** A failed form on the time-off pages. */
export interface PtoFormState {
  intent: "request" | "cancel" | "approve" | "reject" | "adjust";
  requestId?: string;
  values: Record<string, string>;
  error: FormError;
}

const STATUS_LABEL = {
  pending: "Pending",
  approved: "Approved",
  rejected: "Rejected",
  cancelled: "Cancelled",
} as const;

/**
 * A signed duration as `h:mm` (whole minutes).
 *
 * @example
 * ```ts
 * hours(-5400); // "−1:30"
 * ```
 */
export function hours(seconds: number): string {
  const s = Math.abs(Math.trunc(seconds));
  const text = `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
  return seconds < 0 ? `−${text}` : text;
}

/** A duration with its exact seconds for scripts and tests. */
function Duration({ seconds, kind }: { seconds: number; kind?: string }) {
  return (
    <span class="duration" data-seconds={seconds} data-balance={kind}>
      {hours(seconds)}
    </span>
  );
}

/**
 * A local date for people, e.g. `Fri, Nov 6`.
 *
 * @example
 * ```ts
 * dayLabel("2026-11-06"); // "Fri, Nov 6"
 * ```
 */
export function dayLabel(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

function rangeLabel(r: Pick<PtoRequestItem, "startDate" | "endDate">): string {
  return r.startDate === r.endDate
    ? dayLabel(r.startDate)
    : `${dayLabel(r.startDate)} – ${dayLabel(r.endDate)}`;
}

function amountLabel(r: PtoRequestItem): string {
  const days = `${r.dayCount} day${r.dayCount === 1 ? "" : "s"}`;
  return r.secondsPerDay === null
    ? `${days}, ${hours(r.totalSeconds)} h`
    : `${days} × ${hours(r.secondsPerDay)} h = ${hours(r.totalSeconds)} h`;
}

/** The balance cards. */
export function BalanceList({ balances }: { balances: PtoBalanceItem[] }) {
  if (balances.length === 0) return <p class="empty">No time-off types are set up.</p>;
  return (
    <ul class="pto-balances" aria-label="Balances">
      {balances.map((b) => (
        <li key={b.typeId} class="pto-balance card" data-type-id={b.typeId}>
          <p class="pto-balance-name">
            {b.name} {!b.paid && <span class="badge badge-out">Unpaid</span>}
          </p>
          {b.tracked
            ? (
              <>
                <p class="pto-balance-main">
                  <Duration seconds={b.availableSeconds} kind="available" /> h available
                </p>
                <dl class="pto-figures">
                  <div>
                    <dt>Balance today</dt>
                    <dd>
                      <Duration seconds={b.balanceSeconds} kind="balance" /> h
                    </dd>
                  </div>
                  <div>
                    <dt>Approved, upcoming</dt>
                    <dd>
                      <Duration seconds={b.scheduledSeconds} kind="scheduled" /> h
                    </dd>
                  </div>
                  <div>
                    <dt>Pending</dt>
                    <dd>
                      <Duration seconds={b.pendingSeconds} kind="pending" /> h
                    </dd>
                  </div>
                </dl>
              </>
            )
            : (
              <p class="pto-balance-main hint">
                No balance kept. {b.pendingSeconds > 0 && (
                  <>
                    Pending: <Duration seconds={b.pendingSeconds} kind="pending" /> h
                  </>
                )}
              </p>
            )}
        </li>
      ))}
    </ul>
  );
}

function RequestRow(
  { r, action, failed, showName }: {
    r: PtoRequestItem;
    action: string;
    failed?: PtoFormState | null;
    showName?: boolean;
  },
) {
  const mine = failed && failed.requestId === r.id ? failed : null;
  const id = `r-${r.id}`;
  return (
    <li class="pto-request card" data-request-id={r.id} data-status={r.status}>
      <div class="pto-request-head">
        <p class="pto-request-what">
          {showName && <span class="pto-request-name">{`${r.name} ·`}</span>}{" "}
          <span>{r.typeName}</span>
        </p>
        <span class={`badge pto-status-${r.status}`}>{STATUS_LABEL[r.status]}</span>
      </div>
      <p class="pto-request-when">
        {rangeLabel(r)} <span class="pto-request-amount">· {amountLabel(r)}</span>
      </p>
      {r.note && <p class="entry-note">{r.note}</p>}
      {r.decisionReason && (
        <p class="entry-note">
          <span class="label">Reason:</span> {r.decisionReason}
        </p>
      )}
      {mine && mine.intent !== "reject" && (
        <p class="field-error" role="alert">{mine.error.message}</p>
      )}
      {r.canDecide !== undefined && !r.canDecide && (
        <p class="hint">Your own request: an admin decides.</p>
      )}
      <div class="pto-actions">
        {r.canDecide && (
          <form method="post" action={action} class="inline-form">
            <input type="hidden" name="intent" value="approve" />
            <input type="hidden" name="requestId" value={r.id} />
            <button type="submit" class="btn btn-primary btn-small">
              Approve<span class="visually-hidden">{` ${r.name}: ${rangeLabel(r)}`}</span>
            </button>
          </form>
        )}
        {r.canDecide && (
          <details open={mine?.intent === "reject"}>
            <summary>
              Reject<span class="visually-hidden">{` ${r.name}: ${rangeLabel(r)}`}</span>
            </summary>
            <form method="post" action={action} class="stack">
              <input type="hidden" name="intent" value="reject" />
              <input type="hidden" name="requestId" value={r.id} />
              <ErrorSummary error={mine?.intent === "reject" ? mine.error : null} />
              <Field
                id={`${id}-reason`}
                name="reason"
                label="Reason"
                value={mine?.intent === "reject" ? mine.values.reason : undefined}
                required
                maxLength={500}
                error={mine?.intent === "reject" ? mine.error : null}
              />
              <button type="submit" class="btn btn-danger btn-small">Reject request</button>
            </form>
          </details>
        )}
        {r.canCancel && (
          <form method="post" action={action} class="inline-form">
            <input type="hidden" name="intent" value="cancel" />
            <input type="hidden" name="requestId" value={r.id} />
            <button type="submit" class="btn btn-danger-quiet btn-small">
              Cancel request<span class="visually-hidden">{` ${rangeLabel(r)}`}</span>
            </button>
          </form>
        )}
      </div>
    </li>
  );
}

function RequestForm(
  { action, types, failed }: {
    action: string;
    types: PtoTypeOption[];
    failed?: PtoFormState | null;
  },
) {
  const f = failed?.intent === "request" ? failed : null;
  const v = f?.values ?? {};
  return (
    <section class="card" aria-labelledby="pto-new">
      <h2 id="pto-new">Request time off</h2>
      <ErrorSummary error={f?.error} />
      <form method="post" action={action} class="stack">
        <input type="hidden" name="intent" value="request" />
        <SelectField
          id="pto-type"
          name="typeId"
          label="Type"
          options={types.map((t) => ({
            value: t.id,
            label: `${t.name}${t.paid ? "" : " (unpaid)"}`,
          }))}
          value={v.typeId}
          required
          error={f?.error}
        />
        <div class="row">
          <Field
            id="pto-start"
            name="startDate"
            type="date"
            label="First day"
            value={v.startDate}
            required
            error={f?.error}
          />
          <Field
            id="pto-end"
            name="endDate"
            type="date"
            label="Last day"
            hint="Leave empty for one day."
            value={v.endDate}
            error={f?.error}
          />
        </div>
        <Field
          id="pto-hours"
          name="hours"
          label="Hours per day"
          hint="Leave empty for full days; enter hours (e.g. 4 or 2.5) for part of a day."
          value={v.hours}
          inputMode="text"
          maxLength={6}
          error={f?.error}
        />
        <div class="field pto-check">
          <input
            id="pto-weekends"
            name="includeWeekends"
            type="checkbox"
            value="on"
            checked={v.includeWeekends === "on"}
          />
          <label for="pto-weekends">Count Saturdays and Sundays</label>
        </div>
        <Field
          id="pto-note"
          name="note"
          label="Note"
          value={v.note}
          maxLength={1000}
          error={f?.error}
        />
        <button type="submit" class="btn btn-primary">Send request</button>
      </form>
    </section>
  );
}

/** The team calendar as a list of days with people away. */
export function TeamCalendar({ calendar }: { calendar: CalendarMonth }) {
  return (
    <section class="pto-calendar" aria-labelledby="pto-cal">
      <div class="week-bar">
        <h2 id="pto-cal">Team calendar: {calendar.label}</h2>
        <nav class="week-nav" aria-label="Months">
          <a class="btn btn-quiet btn-small" href={calendar.prevHref}>
            <span aria-hidden="true">←</span> Previous month
          </a>
          <a class="btn btn-quiet btn-small" href={calendar.nextHref}>
            Next month <span aria-hidden="true">→</span>
          </a>
        </nav>
      </div>
      {calendar.days.length === 0
        ? <p class="empty">Nobody is away this month.</p>
        : (
          <ol class="pto-cal-days">
            {calendar.days.map((d) => (
              <li key={d.date} class="pto-cal-day card" data-date={d.date}>
                <h3>
                  <time datetime={d.date}>{dayLabel(d.date)}</time>
                </h3>
                <ul>
                  {d.entries.map((e, i) => (
                    <li key={i} data-status={e.status} class={e.self ? "pto-cal-self" : undefined}>
                      <span class="pto-cal-name">{e.self ? `${e.name} (you)` : e.name}</span>{" "}
                      <span class="pto-cal-type">
                        {e.typeName}
                        {e.status === "pending" && " (pending)"}
                      </span>{" "}
                      <span class="pto-cal-hours">{hours(e.seconds)} h</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
    </section>
  );
}

/** Props of {@linkcode PtoPage}. */
export interface PtoPageProps extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  manager: boolean;
  balances: PtoBalanceItem[];
  types: PtoTypeOption[];
  mine: PtoRequestItem[];
  /** Pending approvals (managers only). */
  pending: PtoRequestItem[] | null;
  calendar: CalendarMonth;
  failed?: PtoFormState | null;
}

/** The "Time off" page. */
export function PtoPage(
  { manager, balances, types, mine, pending, calendar, failed, ...chrome }: PtoPageProps,
) {
  const orgId = chrome.org!.id;
  const action = `/o/${orgId}/pto?month=${calendar.month}`;
  // Errors about a request no longer on the page are shown at the top.
  const listed = [...mine, ...(pending ?? [])].some((r) => r.id === failed?.requestId);
  const topError = failed && failed.intent !== "request" && !listed ? failed.error : null;
  return (
    <Layout title="Time off" active="pto" {...chrome}>
      <PageHeader title="Time off" lead="Your balances, your requests and who is away.">
        {manager && (
          <p>
            <a href={`/o/${orgId}/pto/balances`}>Member balances and adjustments</a>
          </p>
        )}
      </PageHeader>
      <ErrorSummary error={topError} />
      <section aria-labelledby="pto-mine-balances">
        <h2 id="pto-mine-balances">My balances</h2>
        <BalanceList balances={balances} />
      </section>
      {pending && (
        <section aria-labelledby="pto-approvals">
          <h2 id="pto-approvals">Waiting for approval</h2>
          {pending.length === 0
            ? <p class="empty">No requests are waiting.</p>
            : (
              <ul class="pto-requests">
                {pending.map((r) => (
                  <RequestRow key={r.id} r={r} action={action} failed={failed} showName />
                ))}
              </ul>
            )}
        </section>
      )}
      <RequestForm action={action} types={types} failed={failed} />
      <section aria-labelledby="pto-mine">
        <h2 id="pto-mine">My requests</h2>
        {mine.length === 0
          ? <p class="empty">No requests in the last 90 days.</p>
          : (
            <ul class="pto-requests">
              {mine.map((r) => <RequestRow key={r.id} r={r} action={action} failed={failed} />)}
            </ul>
          )}
      </section>
      <TeamCalendar calendar={calendar} />
    </Layout>
  );
}

/** A ledger line as shown. */
export interface LedgerRow {
  date: string;
  kind: string;
  seconds: number;
  note: string;
  balance: number;
}

const KIND_LABEL: Record<string, string> = {
  accrual: "Accrual",
  grant: "Grant",
  carryover_forfeit: "Year-end forfeit",
  usage: "Used",
  usage_reversal: "Use cancelled",
  adjustment: "Adjustment",
  carried_forward: "Carried forward",
};

/** Props of {@linkcode PtoBalancesPage}. */
export interface PtoBalancesPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  members: { id: string; name: string }[];
  selected: {
    id: string;
    name: string;
    hireDate: string;
    balances: PtoBalanceItem[];
    ledgers: { typeId: string; name: string; lines: LedgerRow[] }[];
    /** Whether the viewer may adjust these balances (managers not their own). */
    canAdjust: boolean;
  } | null;
  /** Types that keep a balance (adjustable). */
  types: { id: string; name: string }[];
  failed?: PtoFormState | null;
}

/** Managers' page: a member's balances, ledger and the adjustment form. */
export function PtoBalancesPage(
  { members, selected, types, failed, ...chrome }: PtoBalancesPageProps,
) {
  const orgId = chrome.org!.id;
  const path = `/o/${orgId}/pto/balances`;
  const f = failed?.intent === "adjust" ? failed : null;
  return (
    <Layout title="Member balances" active="pto" {...chrome}>
      <p class="crumbs">
        <a href={`/o/${orgId}/pto`}>
          <span aria-hidden="true">←</span> Time off
        </a>
      </p>
      <PageHeader title="Member balances" lead="Balances, their ledger, and manual adjustments." />
      <form method="get" action={path} class="inline-form pto-pick">
        <label for="pto-member">Member</label>
        <select id="pto-member" name="member">
          {members.map((m) => (
            <option key={m.id} value={m.id} selected={m.id === selected?.id}>{m.name}</option>
          ))}
        </select>
        <button type="submit" class="btn btn-quiet btn-small">Show</button>
      </form>
      {selected && (
        <>
          <h2>{selected.name}</h2>
          <p class="hint">
            Hired <time datetime={selected.hireDate}>{selected.hireDate}</time>
          </p>
          <BalanceList balances={selected.balances} />
          {types.length > 0 && !selected.canAdjust && (
            <p class="hint" data-testid="pto-own-balance">
              Managers do not adjust their own balance; ask an admin.
            </p>
          )}
          {types.length > 0 && selected.canAdjust && (
            <section class="card" aria-labelledby="pto-adjust">
              <h2 id="pto-adjust">Adjust a balance</h2>
              <ErrorSummary error={f?.error} />
              <form method="post" action={`${path}?member=${selected.id}`} class="stack">
                <input type="hidden" name="intent" value="adjust" />
                <input type="hidden" name="userId" value={selected.id} />
                <SelectField
                  id="adj-type"
                  name="typeId"
                  label="Type"
                  options={types.map((t) => ({ value: t.id, label: t.name }))}
                  value={f?.values.typeId}
                  required
                  error={f?.error}
                />
                <Field
                  id="adj-hours"
                  name="hours"
                  label="Hours"
                  hint="Positive adds, negative (e.g. -4) removes."
                  value={f?.values.hours}
                  required
                  maxLength={9}
                  error={f?.error}
                />
                <Field
                  id="adj-reason"
                  name="reason"
                  label="Reason"
                  value={f?.values.reason}
                  required
                  maxLength={500}
                  error={f?.error}
                />
                <button type="submit" class="btn btn-primary">Save adjustment</button>
              </form>
            </section>
          )}
          {selected.ledgers.map((l) => (
            <details key={l.typeId} class="card pto-ledger" data-type-id={l.typeId}>
              <summary>
                <h2>{l.name} ledger</h2>
              </summary>
              {l.lines.length === 0
                ? <p class="empty">Nothing yet.</p>
                : (
                  <div class="pto-table-wrap">
                    <table class="changes pto-ledger-table">
                      <thead>
                        <tr>
                          <th scope="col">Date</th>
                          <th scope="col">What</th>
                          <th scope="col">Hours</th>
                          <th scope="col">Balance</th>
                        </tr>
                      </thead>
                      <tbody>
                        {[...l.lines].reverse().map((line, i) => (
                          <tr key={i} data-kind={line.kind}>
                            <td>
                              <time datetime={line.date}>{line.date}</time>
                            </td>
                            <td>
                              {KIND_LABEL[line.kind] ?? line.kind}
                              <span class="pto-ledger-note">{line.note}</span>
                            </td>
                            <td>{hours(line.seconds)}</td>
                            <td>{hours(line.balance)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
            </details>
          ))}
        </>
      )}
    </Layout>
  );
}
