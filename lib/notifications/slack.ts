/**
 * Posting to an organization's Slack incoming webhook (`send_slack` jobs): `{"text": …}` as
 * JSON, to the URL read from the organization's notification settings at send time, after the
 * outbound guard checks it again (DNS rebinding), with a 10 s timeout and no redirects followed.
 *
 * - no URL any more (an admin removed it): nothing to do;
 * - the guard refuses the URL now: dropped with a warning (retrying cannot make a private
 *   address public; the admin sees the refusal when saving it again);
 * - a network error, a timeout, a redirect or a non-2xx answer: throws, so the job is retried
 *   by its transport (and ends as a dead letter on `/ops` if it keeps failing).
 *
 * @module
 */

import type { Store } from "../kv/mod.ts";
import type { SendSlackJob } from "../jobs/jobs.ts";
import { checkOutboundUrl, type Outbound } from "../net/ssrf.ts";
import { readSettings } from "./repository.ts";

/** How long a post may take. */
export const SLACK_TIMEOUT_MS = 10_000;

/** What became of one post. */
export type SlackOutcome = "sent" | "no_url" | "refused";

/**
 * Post `job.text` to the organization's Slack channel.
 *
 * @example
 * ```ts
 * await postToSlack({ store, outbound }, job); // throws when Slack did not take it
 * ```
 */
export async function postToSlack(
  deps: { store: Store; outbound: Outbound },
  job: SendSlackJob,
): Promise<SlackOutcome> {
  const scope = await deps.store.scopeForJob(job.orgId);
  if (!scope) return "no_url";
  const { settings } = await readSettings(scope);
  if (!settings.slackWebhookUrl) return "no_url";
  const check = await checkOutboundUrl(settings.slackWebhookUrl, deps.outbound.policy);
  if (!check.ok) {
    console.warn(`send_slack: organization ${job.orgId}: URL refused (${check.reason})`);
    return "refused";
  }
  let res: Response;
  try {
    res = await deps.outbound.fetch(check.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: job.text }),
      redirect: "manual",
      signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
    });
  } catch (err) {
    const why = err instanceof Error ? err.name : "error";
    throw new Error(`send_slack: the post failed (${why})`);
  }
  await res.body?.cancel();
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`send_slack: Slack answered ${res.status}`);
  }
  return "sent";
}
