/**
 * "My week": the signed-in member's own timesheet.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { PageHeader } from "../forms.tsx";
import { type WeekData, WeekView } from "./week.tsx";

/** Props of {@linkcode MyWeekPage}. */
export interface MyWeekPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  week: WeekData;
  timeZone: string;
}

/** The member's week. */
export function MyWeekPage({ week, timeZone, ...chrome }: MyWeekPageProps) {
  const orgId = chrome.org!.id;
  return (
    <Layout title={`My week of ${week.label}`} active="week" {...chrome}>
      <PageHeader
        title="My week"
        lead={`${week.label} · times in ${timeZone.replaceAll("_", " ")}`}
      />
      <WeekView
        week={week}
        path={`/o/${orgId}/week`}
        entryTools={(e) => (
          <p class="entry-tools">
            <a href={`/o/${orgId}/entries/${e.id}/history`}>
              History<span class="visually-hidden">{` of the entry starting ${e.startLabel}`}</span>
            </a>
          </p>
        )}
      />
    </Layout>
  );
}
