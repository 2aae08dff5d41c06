/**
 * Running a `notify` job: who hears of an organization event, and how.
 *
 * 1. The event's type gives the kind (`kinds.ts`); other types notify nobody.
 * 2. The recipients: the member the event is about (their active membership), or the active
 *    members of the kind's roles — for a submitted time-off request, not the requester nor who
 *    filed it.
 * 3. Each recipient's preference (`notification_pref`; email on, Slack off by default).
 * 4. Email: one mail per recipient through the mail port, under the id
 *    `<job id>.<user id>.email`, so a redelivered job sends nothing twice (the KV mailbox keeps
 *    ids; SMTP gets it as the Message-ID). Each mail has an unsubscribe link for its kind and the
 *    RFC 8058 headers. People without an email address get none.
 * 5. Slack: when the organization has a Slack URL and at least one recipient chose Slack for
 *    the kind, one `send_slack` job (id `<job id>.slack`) through the outbox: one line in the
 *    organization's channel per event.
 *
 * @module
 */

import type { Store } from "../kv/mod.ts";
import type { NotifyJob } from "../jobs/jobs.ts";
import { newJob } from "../jobs/jobs.ts";
import type { Outbox } from "../jobs/outbox.ts";
import type { MailPort } from "../mail/mail.ts";
import type { User } from "../identity/users.ts";
import type { Membership } from "../members/members.ts";
import type { Organization } from "../orgs/orgs.ts";
import type { OrgScope } from "../kv/mod.ts";
import { AUDIENCE, kindOfEvent, type NotificationKind } from "./kinds.ts";
import { readPreferencesOf, settingsFrom, settingsKey } from "./repository.ts";
import { composeMessage, linkPath, textField } from "./messages.ts";
import { signUnsubscribe } from "./unsubscribe.ts";
import { settingsFrom as orgSettingsFrom } from "../settings/repository.ts";

/** What running a notification needs (a subset of the job handlers' deps). */
export interface NotifyDeps {
  store: Store;
  mailer: MailPort;
  /** For the `send_slack` job a notification causes. */
  outbox?: Outbox;
  /** The public origin for links (`PUBLIC_URL`); {@linkcode FALLBACK_ORIGIN} when unset. */
  publicUrl?: string | null;
  now?: () => number;
}

/** The origin of links when `PUBLIC_URL` is not set (development). */
export const FALLBACK_ORIGIN = "http://localhost:8000";

/** What a notification did (for tests and logs). */
export interface NotifyOutcome {
  kind: NotificationKind | null;
  mailed: string[];
  slack: boolean;
}

/** The active members a notification of `kind` about `data` goes to, by user id. */
export async function recipientsOf(
  scope: OrgScope,
  kind: NotificationKind,
  data: unknown,
): Promise<string[]> {
  const audience = AUDIENCE[kind];
  if (audience.type === "member") {
    const userId = textField(data, "userId", 64);
    if (!userId) return [];
    const m = await scope.get<Membership>("member", userId);
    return m.value?.active ? [userId] : [];
  }
  const excluded = kind === "pto_request_submitted"
    ? [textField(data, "userId", 64), textField(data, "createdBy", 64)]
    : [];
  const out: string[] = [];
  for await (const e of scope.list<Membership>(scope.key("member"))) {
    const m = e.value;
    if (m.active && audience.roles.includes(m.role) && !excluded.includes(m.userId)) {
      out.push(m.userId);
    }
  }
  return out;
}

/**
 * Notify the people an event concerns. Throws on transient failures (the mail port, the
 * store) so the job is retried; what was already mailed is not mailed again.
 */
export async function runNotification(deps: NotifyDeps, job: NotifyJob): Promise<NotifyOutcome> {
  const kind = kindOfEvent(job.event.type);
  const none: NotifyOutcome = { kind, mailed: [], slack: false };
  if (!kind) return none;
  const scope = await deps.store.scopeForJob(job.orgId);
  if (!scope) return none;
  const data = job.event.data;
  const recipients = await recipientsOf(scope, kind, data);
  if (recipients.length === 0) return none;
  const [profile, stored, orgSettings] = await scope.getMany<unknown>([
    scope.key("profile"),
    settingsKey(scope),
    scope.key("settings"),
  ]);
  const org = profile.value as Organization | null;
  if (!org) return none;
  const settings = settingsFrom(stored.value);
  const subjectId = textField(data, "userId", 64);
  const people = await scope.people<User>([...new Set([...recipients, subjectId ?? ""])]);
  const byId = new Map(people.map((p) => [p.id, p]));
  const prefs = await readPreferencesOf(scope, recipients);
  const origin = deps.publicUrl ? new URL(deps.publicUrl).origin : FALLBACK_ORIGIN;
  const message = composeMessage({
    kind,
    data,
    orgName: org.name,
    subjectName: subjectId ? byId.get(subjectId)?.name ?? null : null,
    ptoTypeNames: Object.fromEntries(
      orgSettingsFrom(org, orgSettings.value).settings.pto.types.map((t) => [t.id, t.name]),
    ),
    link: origin + linkPath(org.id, kind),
  });
  const mailed: string[] = [];
  for (const [i, userId] of recipients.entries()) {
    const person = byId.get(userId);
    if (!prefs[i][kind].email || !person?.email) continue;
    const token = await signUnsubscribe(deps.store, { orgId: org.id, userId, kind });
    const unsubscribeUrl = `${origin}/unsubscribe?token=${encodeURIComponent(token)}`;
    await deps.mailer.send(`${job.id}.${userId}.email`, {
      to: person.email,
      subject: message.subject,
      text: `Hello ${person.name},\n\n${message.text}\n\n—\nClockFlow · ${org.name}\n` +
        `Stop these emails (${kind.replaceAll("_", " ")}): ${unsubscribeUrl}\n`,
      headers: {
        "List-Unsubscribe": `<${unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    mailed.push(userId);
  }
  const slack = settings.slackWebhookUrl !== null && prefs.some((p) => p[kind].slack);
  if (slack) {
    if (!deps.outbox) throw new Error("notify: no outbox to send the Slack message through");
    const jobs = deps.outbox.port();
    const now = (deps.now ?? Date.now)();
    const op = deps.store.atomic();
    jobs.add(op, {
      ...newJob("send_slack", { orgId: org.id, text: message.slack.slice(0, 4_000) }, now),
      id: `${job.id}.slack`,
    });
    if (!(await op.commit())) throw new Error("notify: the Slack job was not committed");
    await jobs.dispatch();
  }
  return { kind, mailed, slack };
}
