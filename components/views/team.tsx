/**
 * Managers' pages: who is working right now, and one member's week with corrections.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, PageHeader } from "../forms.tsx";
import { type WeekData, WeekView } from "./week.tsx";
import { AddEntryForm, type EntryFormState, EntryTools } from "./entry_forms.tsx";

/** A member's line on the team board. */
export interface TeamRow {
  id: string;
  name: string;
  role: string;
  state: "out" | "in" | "break";
  /** When the current state began (time of day in the org's zone), if in or on break. */
  sinceLabel: string | null;
  sinceIso: string | null;
}

const STATE_LABEL = { in: "Working", break: "On a break", out: "Clocked out" } as const;

/** Props of {@linkcode TeamPage}. */
export interface TeamPageProps extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  rows: TeamRow[];
  date: string;
  /** Sections shown after the board (the kiosk conflicts). */
  children?: ComponentChildren;
}

/** Who is in, on a break, or out right now. */
export function TeamPage({ rows, date, children, ...chrome }: TeamPageProps) {
  const orgId = chrome.org!.id;
  const count = (s: TeamRow["state"]) => rows.filter((r) => r.state === s).length;
  return (
    <Layout title="Team" active="team" {...chrome}>
      <PageHeader title="Team" lead="Who is working right now." />
      <ul class="stats" aria-label="Summary">
        <li data-state="in">
          <strong>{count("in")}</strong> working
        </li>
        <li data-state="break">
          <strong>{count("break")}</strong> on a break
        </li>
        <li data-state="out">
          <strong>{count("out")}</strong> out
        </li>
      </ul>
      <ul class="team" aria-label="Members">
        {rows.map((r) => (
          <li key={r.id} class="team-row" data-state={r.state} data-user-id={r.id}>
            <div class="team-who">
              <span class="team-name">{r.name}</span>
              <span class="team-role">{r.role}</span>
            </div>
            <p class="team-state">
              <span class={`badge badge-${r.state}`}>{STATE_LABEL[r.state]}</span>
              {r.sinceLabel && (
                <span class="since">
                  since <time datetime={r.sinceIso ?? undefined}>{r.sinceLabel}</time>
                </span>
              )}
            </p>
            <a class="btn btn-quiet btn-small" href={`/o/${orgId}/team/${r.id}?date=${date}`}>
              Week<span class="visually-hidden">{` of ${r.name}`}</span>
            </a>
          </li>
        ))}
      </ul>
      {children}
    </Layout>
  );
}

/** Props of {@linkcode MemberWeekPage}. */
export interface MemberWeekPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  member: { id: string; name: string };
  week: WeekData;
  timeZone: string;
  failed?: EntryFormState | null;
}

/** A member's week with edit, delete and add forms. */
export function MemberWeekPage({ member, week, timeZone, failed, ...chrome }: MemberWeekPageProps) {
  const orgId = chrome.org!.id;
  const path = `/o/${orgId}/team/${member.id}`;
  const action = `${path}?date=${week.date}`;
  // An error about an entry no longer on the page (deleted meanwhile) is shown at the top.
  const shownInForm = failed &&
    (failed.intent === "add" ||
      week.days.some((d) => d.entries.some((e) => e.id === failed.entryId)));
  return (
    <Layout title={`${member.name}: week of ${week.label}`} active="team" {...chrome}>
      <p class="crumbs">
        <a href={`/o/${orgId}/team`}>
          <span aria-hidden="true">←</span> Team
        </a>
      </p>
      <PageHeader
        title={member.name}
        lead={`${week.label} · times in ${timeZone.replaceAll("_", " ")}`}
      >
        <p>
          <a href={`/o/${orgId}/timesheets?date=${week.date}&userId=${member.id}`}>
            Timesheet<span class="visually-hidden">{` of ${member.name}`}</span> for this pay period
          </a>
        </p>
      </PageHeader>
      {failed && !shownInForm && <ErrorSummary error={failed.error} />}
      <WeekView
        week={week}
        path={path}
        entryTools={(e) => (
          <EntryTools
            entry={e}
            action={action}
            failed={failed}
            historyHref={`/o/${orgId}/entries/${e.id}/history`}
          />
        )}
      />
      <AddEntryForm action={action} failed={failed} />
    </Layout>
  );
}
