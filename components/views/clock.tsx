/**
 * The clock page: the Clock island with today's total, and a way to the week. When the
 * organization requires a location, browsers without JavaScript are told why clocking in will
 * be refused (a plain form cannot read the device's position).
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError } from "../forms.tsx";
import { island } from "../islands.tsx";
import type { ClockProps } from "../../islands/Clock.tsx";

const ClockIsland = island("Clock");

/** Props of {@linkcode ClockPage}. */
export interface ClockPageProps extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  clock: ClockProps;
  error?: FormError | null;
}

/** The time clock page. */
export function ClockPage({ clock, error, ...chrome }: ClockPageProps) {
  return (
    <Layout title="Clock" active="clock" {...chrome}>
      <div class="page-header page-header-center">
        <h1>Time clock</h1>
        <p class="lead">
          {chrome.userName ? `${chrome.userName} · ` : ""}times in{" "}
          {clock.timeZone.replaceAll("_", " ")}
        </p>
      </div>
      <ErrorSummary error={error} />
      {clock.requireLocation && clock.state === "out" && (
        <noscript>
          <p class="alert alert-note" data-no-js-location>
            Clocking in here needs your position, which only the browser can share, and this page
            cannot ask for it without JavaScript. Turn on JavaScript and allow this site to use your
            location; until then, clocking in is refused.
          </p>
        </noscript>
      )}
      <ClockIsland {...clock} />
      <p class="center">
        <a href={`/o/${clock.orgId}/week`}>See my week</a>
      </p>
    </Layout>
  );
}
