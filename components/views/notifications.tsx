/**
 * The Notifications page of an organization: a grid of the notification kinds offered to the
 * person's role × email/Slack checkboxes, and for admins the organization's settings (Slack
 * incoming-webhook URL, still-clocked-in threshold). Plain forms, no JavaScript. Also the
 * confirmation page of a mailed unsubscribe link.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError, PageHeader } from "../forms.tsx";
import type { NotificationKind } from "../../lib/notifications/kinds.ts";
import { KIND_LABELS } from "../../lib/notifications/kinds.ts";
import type {
  NotificationSettingsView,
  PreferencesView,
  UnsubscribeView,
} from "../../lib/notifications/use_cases.ts";
import { Checkbox, Input, Select } from "./settings_controls.tsx";

/** The form field of a kind's channel (`timesheet_rejected.email`). */
export function channelField(kind: NotificationKind, channel: "email" | "slack"): string {
  return `${kind}.${channel}`;
}

/** Props of {@linkcode NotificationsPage}. */
export interface NotificationsPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  preferences: PreferencesView;
  /** The organization's settings (admins only; null for everyone else). */
  settings: NotificationSettingsView | null;
  /** A failed post: which form, the values sent and what was wrong. */
  failed?: { form: "preferences" | "org"; values: Record<string, string>; error: FormError } | null;
}

/** The hours offered for the still-clocked-in reminder. */
const HOURS = Array.from({ length: 24 }, (_, i) => i + 1);

/** The Notifications page. */
export function NotificationsPage(
  { preferences, settings, failed, ...chrome }: NotificationsPageProps,
) {
  const action = `/o/${chrome.org!.id}/notifications`;
  const prefError = failed?.form === "preferences" ? failed.error : null;
  const orgError = failed?.form === "org" ? failed.error : null;
  const orgValues = failed?.form === "org" ? failed.values : {
    stillClockedInHours: settings?.stillClockedInHours?.toString() ?? "",
  };
  return (
    <Layout title="Notifications" active="notifications" {...chrome}>
      <PageHeader
        title="Notifications"
        lead="Choose what ClockFlow tells you about, and how. Every email also has a link to stop that kind of email."
      />
      <section class="card" aria-labelledby="my-notifications">
        <h2 id="my-notifications">Your notifications</h2>
        <ErrorSummary error={prefError} />
        <form method="post" action={action} class="stack">
          <input type="hidden" name="intent" value="preferences" />
          <table class="table" id="notification-preferences">
            <caption class="visually-hidden">Your notifications by email and Slack</caption>
            <thead>
              <tr>
                <th scope="col">Tell me when</th>
                <th scope="col">Email</th>
                <th scope="col">Slack</th>
              </tr>
            </thead>
            <tbody>
              {preferences.kinds.map((kind) => {
                const c = preferences.preferences[kind]!;
                return (
                  <tr key={kind}>
                    <th scope="row" id={`kind-${kind}`}>{KIND_LABELS[kind]}</th>
                    {(["email", "slack"] as const).map((channel) => (
                      <td key={channel}>
                        <input
                          type="checkbox"
                          id={`pref-${kind}-${channel}`}
                          name={channelField(kind, channel)}
                          value="true"
                          checked={c[channel]}
                          aria-label={`${KIND_LABELS[kind]}: ${
                            channel === "email" ? "email" : "Slack"
                          }`}
                        />
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p class="hint">
            Slack messages go to your organization's Slack channel, when an admin has connected one.
          </p>
          <button type="submit" class="btn btn-primary">Save my notifications</button>
        </form>
      </section>
      {settings && (
        <section class="card" aria-labelledby="org-notifications">
          <h2 id="org-notifications">Organization notification settings</h2>
          <ErrorSummary error={orgError} />
          <form method="post" action={action} class="stack">
            <input type="hidden" name="intent" value="org" />
            <p id="slack-status">
              {settings.slackWebhook.configured
                ? `Slack is connected (${settings.slackWebhook.hint}).`
                : "Slack is not connected."}
            </p>
            <Input
              idPrefix="org"
              name="slackWebhookUrl"
              label={settings.slackWebhook.configured
                ? "New Slack incoming-webhook URL"
                : "Slack incoming-webhook URL"}
              hint="Create an incoming webhook in Slack (it looks like https://hooks.slack.com/services/…). Leave empty to keep the current one."
              optional
              maxLength={2000}
              values={orgValues}
              error={orgError}
              autocomplete="off"
            />
            {settings.slackWebhook.configured && (
              <Checkbox
                idPrefix="org"
                name="removeSlack"
                label="Disconnect Slack"
                values={orgValues}
                error={orgError}
              />
            )}
            <Select
              idPrefix="org"
              name="stillClockedInHours"
              label="Remind people still clocked in after"
              options={[
                { value: "", label: "Off" },
                ...HOURS.map((h) => ({
                  value: String(h),
                  label: `${h} hour${h === 1 ? "" : "s"}`,
                })),
              ]}
              values={orgValues}
              error={orgError}
            />
            <button type="submit" class="btn btn-primary">Save organization settings</button>
          </form>
        </section>
      )}
    </Layout>
  );
}

/** Props of {@linkcode UnsubscribePage}. */
export interface UnsubscribePageProps {
  /** What the link turns off; null when the link is not valid. */
  link: UnsubscribeView | null;
  token: string;
  /** True after the email was turned off. */
  done: boolean;
  userName?: string | null;
}

/** The confirmation page of a mailed unsubscribe link (no sign-in needed). */
export function UnsubscribePage({ link, token, done, userName }: UnsubscribePageProps) {
  return (
    <Layout title="Unsubscribe" userName={userName} narrow>
      <div class="card">
        <h1>Unsubscribe</h1>
        {!link
          ? (
            <p class="alert alert-error" role="alert">
              This unsubscribe link is not valid. Sign in and open Notifications in your
              organization to change what you receive.
            </p>
          )
          : done || link.alreadyOff
          ? (
            <p class="alert alert-ok" role="status" id="unsubscribe-done">
              You will no longer get emails from {link.orgName} when:{" "}
              {link.label.toLowerCase()}. You can turn them on again on the Notifications page.
            </p>
          )
          : (
            <form method="post" action="/unsubscribe" class="stack">
              <p>
                Stop emails from <strong>{link.orgName}</strong> when: {link.label.toLowerCase()}?
              </p>
              <input type="hidden" name="token" value={token} />
              <button type="submit" class="btn btn-primary">Unsubscribe</button>
            </form>
          )}
      </div>
    </Layout>
  );
}
