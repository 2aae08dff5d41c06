/**
 * Admins' webhooks page: the organization's endpoints (URL, events, state, secret hint) with a
 * test, rotate, enable/disable and delete button each, a form to add one, the new secret shown
 * once with a copy button, and per endpoint a page with its edit form and delivery log (status,
 * response code, duration, error, the start of the response) with a retry button per attempt.
 * Plain forms; the copy button is a small island.
 *
 * @module
 */

import type { WebhookEndpointView } from "../../lib/webhooks/endpoints.ts";
import type { DeliveryView } from "../../lib/webhooks/deliveries.ts";
import { EVENT_TYPES } from "../../lib/events/events.ts";
import { island } from "../islands.tsx";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError, PageHeader } from "../forms.tsx";
import { GroupError, Input } from "./settings_controls.tsx";

const CopyButton = island("CopyButton");

/** The form field of event type `t` (`event-clock.in`). */
export function eventField(t: string): string {
  return `event-${t}`;
}

type Chrome = Pick<LayoutProps, "userName" | "org" | "flash" | "active">;

/** A secret shown this once (after creation or rotation). */
export interface ShownSecret {
  url: string;
  secret: string;
  rotated: boolean;
}

/** Props of {@linkcode WebhooksPage}. */
export interface WebhooksPageProps extends Chrome {
  endpoints: WebhookEndpointView[];
  /** A secret to show once. */
  shown?: ShownSecret | null;
  /** The attempt of a test just sent. */
  tested?: DeliveryView | null;
  /** A failed form: what was sent and what was wrong. */
  failed?: { values: Record<string, string>; error: FormError } | null;
  /** Why webhooks cannot be used (the plan lacks them), when they cannot. */
  unavailable?: string | null;
}

function when(iso: string | null, none = "—"): string {
  return iso ? `${iso.slice(0, 19).replace("T", " ")} UTC` : none;
}

function stateOf(e: WebhookEndpointView): string {
  if (e.enabled) return e.failingSince ? `On (failing since ${when(e.failingSince)})` : "On";
  const why = {
    manual: "switched off",
    gone: "the endpoint answered 410 Gone",
    failing: "failing for 5 days",
  };
  return `Off (${e.disabledReason ? why[e.disabledReason] : "switched off"})`;
}

/** A one-button form posting `intent` for endpoint `id`. */
function Action(
  { action, intent, id, label, name, danger }: {
    action: string;
    intent: string;
    id: string;
    label: string;
    name: string;
    danger?: boolean;
  },
) {
  return (
    <form method="post" action={action} class="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="webhookId" value={id} />
      <button type="submit" class={`btn btn-small ${danger ? "btn-danger-quiet" : "btn-quiet"}`}>
        {label}
        <span class="visually-hidden">{` ${name}`}</span>
      </button>
    </form>
  );
}

/** The event checkboxes, checked from `checked`. */
function EventChoices(
  { idPrefix, checked, error }: {
    idPrefix: string;
    checked: (t: string) => boolean;
    error?: FormError | null;
  },
) {
  return (
    <fieldset>
      <legend>Events</legend>
      <GroupError name="events" error={error} />
      {EVENT_TYPES.map((t) => (
        <div class="field field-checkbox" key={t}>
          <input
            id={`${idPrefix}-${eventField(t)}`}
            name={eventField(t)}
            type="checkbox"
            value="true"
            checked={checked(t)}
          />
          <label for={`${idPrefix}-${eventField(t)}`}>
            <code>{t}</code>
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/** What the attempt of a test said, in a sentence. */
function attemptText(d: DeliveryView): string {
  return d.status === "succeeded"
    ? `Test event delivered: the endpoint answered ${d.responseStatus} in ${d.durationMs} ms.`
    : `Test event failed: ${d.error ?? "no answer"}.`;
}

/** The webhooks page. */
export function WebhooksPage(
  { endpoints, shown, tested, failed, unavailable, ...chrome }: WebhooksPageProps,
) {
  const action = `/o/${chrome.org!.id}/webhooks`;
  const values = failed?.values ?? {};
  return (
    <Layout title="Webhooks" active="webhooks" {...chrome}>
      <PageHeader
        title="Webhooks"
        lead="ClockFlow sends signed HTTP POSTs (Standard Webhooks) to your endpoints when things happen: clock-ins, corrections, approvals, time off, members and exports."
      />
      {unavailable && <p class="alert alert-note" role="status">{unavailable}</p>}
      {shown && (
        <section class="card" aria-labelledby="new-secret">
          <h2 id="new-secret">
            {shown.rotated ? "New signing secret" : "Signing secret"} for {shown.url}
          </h2>
          <p class="alert alert-note">
            Copy this secret now. It is shown only this once.
            {shown.rotated && " The previous secret keeps signing beside it for 24 hours."}
          </p>
          <p>
            <code id="webhook-secret" class="secret">{shown.secret}</code>
          </p>
          <CopyButton targetId="webhook-secret" label="Copy secret" />
        </section>
      )}
      {tested && (
        <p
          class={`alert ${tested.status === "succeeded" ? "alert-ok" : "alert-error"}`}
          role="status"
          data-test-status={tested.status}
        >
          {attemptText(tested)}
        </p>
      )}
      {!unavailable && (
        <>
          {endpoints.length === 0 ? <p>No webhook endpoints yet.</p> : (
            <table class="table">
              <caption class="visually-hidden">Webhook endpoints</caption>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">State</th>
                  <th scope="col">Secret</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.id} data-webhook-id={e.id}>
                    <td>
                      <a href={`${action}/${e.id}`}>{e.url}</a>
                      {e.description && <div class="muted">{e.description}</div>}
                    </td>
                    <td>{e.events.join(", ")}</td>
                    <td>{stateOf(e)}</td>
                    <td>
                      <code>{e.secretHint}</code>
                    </td>
                    <td>
                      <Action
                        action={action}
                        intent="test"
                        id={e.id}
                        label="Send test"
                        name={e.url}
                      />
                      <Action
                        action={action}
                        intent="rotate"
                        id={e.id}
                        label="Rotate secret"
                        name={e.url}
                      />
                      <Action
                        action={action}
                        intent={e.enabled ? "disable" : "enable"}
                        id={e.id}
                        label={e.enabled ? "Disable" : "Enable"}
                        name={e.url}
                      />
                      <Action
                        action={action}
                        intent="delete"
                        id={e.id}
                        label="Delete"
                        name={e.url}
                        danger
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <section class="card" aria-labelledby="add-endpoint">
            <h2 id="add-endpoint">Add an endpoint</h2>
            <ErrorSummary error={failed?.error} />
            <form method="post" action={action} class="stack" novalidate>
              <input type="hidden" name="intent" value="create" />
              <Input
                idPrefix="webhook"
                name="url"
                label="Endpoint URL"
                hint="An https:// URL of your server that accepts POST requests."
                values={values}
                error={failed?.error}
                maxLength={2000}
              />
              <Input
                idPrefix="webhook"
                name="description"
                label="Description"
                optional
                values={values}
                error={failed?.error}
                maxLength={500}
              />
              <EventChoices
                idPrefix="webhook"
                checked={(t) => eventField(t) in values}
                error={failed?.error}
              />
              <button type="submit" class="btn btn-primary">Add endpoint</button>
            </form>
          </section>
        </>
      )}
    </Layout>
  );
}

/** Props of {@linkcode WebhookDetailPage}. */
export interface WebhookDetailPageProps extends Chrome {
  endpoint: WebhookEndpointView;
  deliveries: DeliveryView[];
  moreHref: string | null;
  failed?: { values: Record<string, string>; error: FormError } | null;
}

/** One endpoint: its edit form and its delivery log with retry buttons. */
export function WebhookDetailPage(
  { endpoint, deliveries, moreHref, failed, ...chrome }: WebhookDetailPageProps,
) {
  const action = `/o/${chrome.org!.id}/webhooks`;
  const values = failed?.values ?? { url: endpoint.url, description: endpoint.description };
  const checked = (t: string) =>
    failed ? eventField(t) in failed.values : (endpoint.events as string[]).includes(t);
  return (
    <Layout title="Webhook endpoint" active="webhooks" {...chrome}>
      <PageHeader title="Webhook endpoint" lead={endpoint.url} />
      <p>
        <a href={action}>All endpoints</a> · State: {stateOf(endpoint)}
      </p>
      <section aria-labelledby="delivery-log">
        <h2 id="delivery-log">Delivery log</h2>
        <p class="muted">Attempts of the last 30 days, newest first.</p>
        {deliveries.length === 0 ? <p>No deliveries yet.</p> : (
          <table class="table">
            <caption class="visually-hidden">Delivery attempts</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Status</th>
                <th scope="col">Code</th>
                <th scope="col">Duration</th>
                <th scope="col">Error</th>
                <th scope="col">Response</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} data-delivery-id={d.id} data-status={d.status}>
                  <td>{when(d.attemptedAt)}</td>
                  <td>
                    <code>{d.event}</code>
                  </td>
                  <td>{d.attempt}</td>
                  <td>
                    {d.status}
                    {d.nextAttemptAt && <div class="muted">next {when(d.nextAttemptAt)}</div>}
                  </td>
                  <td>{d.responseStatus ?? "—"}</td>
                  <td>{d.durationMs === null ? "—" : `${d.durationMs} ms`}</td>
                  <td>{d.error ?? ""}</td>
                  <td>
                    {d.responseBody ? <code class="muted">{d.responseBody}</code> : ""}
                  </td>
                  <td>
                    <form method="post" action={action} class="inline-form">
                      <input type="hidden" name="intent" value="retry" />
                      <input type="hidden" name="webhookId" value={endpoint.id} />
                      <input type="hidden" name="deliveryId" value={d.id} />
                      <button type="submit" class="btn btn-small btn-quiet">
                        Retry<span class="visually-hidden">
                          {` attempt ${d.attempt} of ${d.event}`}
                        </span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {moreHref && <a class="btn btn-quiet" href={moreHref}>Older attempts</a>}
      </section>
      <section class="card" aria-labelledby="edit-endpoint">
        <h2 id="edit-endpoint">Change the endpoint</h2>
        <ErrorSummary error={failed?.error} />
        <form method="post" action={action} class="stack" novalidate>
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="webhookId" value={endpoint.id} />
          <Input
            idPrefix="edit"
            name="url"
            label="Endpoint URL"
            values={values}
            error={failed?.error}
            maxLength={2000}
          />
          <Input
            idPrefix="edit"
            name="description"
            label="Description"
            optional
            values={values}
            error={failed?.error}
            maxLength={500}
          />
          <EventChoices idPrefix="edit" checked={checked} error={failed?.error} />
          <button type="submit" class="btn btn-primary">Save changes</button>
        </form>
      </section>
    </Layout>
  );
}
