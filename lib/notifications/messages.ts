/**
 * The words of each notification: a mail (subject and text) for one recipient, and one line for
 * the organization's Slack channel. Pure. Event data comes from other modules' views and from
 * older versions of them, so every field is read defensively: a missing or odd field is left
 * out, never a crash.
 *
 * @module
 */

import type { NotificationKind } from "./kinds.ts";

/** What a message is written from. */
export interface MessageFacts {
  kind: NotificationKind;
  /** The organization event's `data`. */
  data: unknown;
  orgName: string;
  /** The name of the member the event is about, when it names one. */
  subjectName: string | null;
  /** PTO type names by id (from the organization's settings). */
  ptoTypeNames: Record<string, string>;
  /** Where the recipient acts on it (an absolute URL). */
  link: string;
}

/** A mail's subject and text (before the unsubscribe footer). */
export interface MessageText {
  subject: string;
  text: string;
}

function field(data: unknown, name: string): unknown {
  return data && typeof data === "object" ? (data as Record<string, unknown>)[name] : undefined;
}

/** A short string field (control characters removed), or null. */
export function textField(data: unknown, name: string, max = 200): string | null {
  const v = field(data, name);
  if (typeof v !== "string") return null;
  // deno-lint-ignore no-control-regex
  const clean = v.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, " ").trim();
  return clean ? clean.slice(0, max) : null;
}

function numberField(data: unknown, name: string): number | null {
  const v = field(data, name);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function range(from: string | null, to: string | null): string {
  if (from && to && from !== to) return `${from} to ${to}`;
  return from ?? to ?? "dates not given";
}

function hours(seconds: number | null): string | null {
  if (seconds === null || seconds < 0) return null;
  const h = Math.round(seconds / 360) / 10;
  return `${h} h`;
}

/** Subject, text and Slack line of a notification. */
export function composeMessage(f: MessageFacts): MessageText & { slack: string } {
  const who = f.subjectName ?? "A member";
  const d = f.data;
  switch (f.kind) {
    case "pto_request_submitted": {
      const typeId = textField(d, "typeId", 40);
      const type = (typeId && f.ptoTypeNames[typeId]) ?? typeId ?? "time off";
      const when = range(textField(d, "startDate", 10), textField(d, "endDate", 10));
      const total = hours(numberField(d, "totalSeconds"));
      const note = textField(d, "note", 500);
      const line = `${who} requested ${type}: ${when}${total ? ` (${total})` : ""}.`;
      return {
        subject: `Time-off request from ${who}`,
        text: [line, note ? `Note: ${note}` : null, `Review it: ${f.link}`]
          .filter(Boolean).join("\n\n"),
        slack: `${f.orgName}: ${line}`,
      };
    }
    case "pto_request_decided": {
      const status = textField(d, "status", 20);
      const verdict = status === "approved"
        ? "approved"
        : status === "rejected"
        ? "rejected"
        : "decided";
      const typeId = textField(d, "typeId", 40);
      const type = (typeId && f.ptoTypeNames[typeId]) ?? "time off";
      const when = range(textField(d, "startDate", 10), textField(d, "endDate", 10));
      const reason = textField(d, "decisionReason", 500);
      const line = `The ${type} request of ${who} for ${when} was ${verdict}.`;
      return {
        subject: `Your time-off request was ${verdict}`,
        text: [
          `Your ${type} request for ${when} was ${verdict}.`,
          reason ? `Reason: ${reason}` : null,
          `See it: ${f.link}`,
        ].filter(Boolean).join("\n\n"),
        slack: `${f.orgName}: ${line}`,
      };
    }
    case "timesheet_rejected": {
      const when = range(textField(d, "periodStart", 10), textField(d, "periodEnd", 10));
      const reason = textField(d, "rejectionReason", 500) ?? textField(d, "reason", 500);
      return {
        subject: `Your timesheet for ${when} was rejected`,
        text: [
          `Your timesheet for ${when} was rejected.`,
          reason ? `Reason: ${reason}` : null,
          `Correct it and submit it again: ${f.link}`,
        ].filter(Boolean).join("\n\n"),
        slack: `${f.orgName}: the timesheet of ${who} for ${when} was rejected.`,
      };
    }
    case "still_clocked_in": {
      const threshold = numberField(d, "hours");
      const since = textField(d, "start", 40);
      const longer = threshold ? `more than ${threshold} hours` : "a long time";
      return {
        subject: `You are still clocked in`,
        text: [
          `You have been clocked in for ${longer}${since ? ` (since ${since})` : ""}.`,
          `If you forgot to clock out, clock out or ask a manager to correct the entry: ${f.link}`,
        ].join("\n\n"),
        slack: `${f.orgName}: ${who} has been clocked in for ${longer}.`,
      };
    }
    case "trial_ending": {
      const ends = textField(d, "trialEndsAt", 40);
      const when = ends ? ` on ${ends.slice(0, 10)}` : " soon";
      return {
        subject: `The ${f.orgName} trial ends${when}`,
        text: [
          `The trial of ${f.orgName} ends${when}.`,
          `Choose a plan to keep every feature: ${f.link}`,
        ].join("\n\n"),
        slack: `${f.orgName}: the trial ends${when}.`,
      };
    }
    case "payment_failed": {
      return {
        subject: `A payment for ${f.orgName} failed`,
        text: [
          `The last payment for ${f.orgName} failed.`,
          `Update the payment method to keep the plan: ${f.link}`,
        ].join("\n\n"),
        slack: `${f.orgName}: a payment failed; an admin should update the payment method.`,
      };
    }
  }
}

/** The page of the organization where the recipient acts on a notification of `kind`. */
export function linkPath(orgId: string, kind: NotificationKind): string {
  const base = `/o/${encodeURIComponent(orgId)}`;
  switch (kind) {
    case "pto_request_submitted":
    case "pto_request_decided":
      return `${base}/pto`;
    case "timesheet_rejected":
      return `${base}/timesheets`;
    case "still_clocked_in":
      return `${base}/clock`;
    case "trial_ending":
    case "payment_failed":
      return `${base}/billing`;
  }
}
