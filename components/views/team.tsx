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
import { island } from "../islands.tsx";
import type { TeamBoardProps } from "../../islands/TeamBoard.tsx";

/** Props of {@linkcode TeamPage}. */
export interface TeamPageProps extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  /** The live board: rows as read now, and where its stream continues from. */
  board: TeamBoardProps;
  /** Sections shown after the board (the kiosk conflicts). */
  children?: ComponentChildren;
}

const TeamBoardIsland = island("TeamBoard");

/** Who is in, on a break, or out right now (live when JavaScript runs: `TeamBoard`). */
export function TeamPage({ board, children, ...chrome }: TeamPageProps) {
  return (
    <Layout title="Team" active="team" {...chrome}>
      <PageHeader title="Team" lead="Who is working right now." />
      <TeamBoardIsland {...board} />
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
