/**
 * Pages for failures: not found, not allowed, bad request and server errors.
 *
 * @module
 */

import { Layout, type LayoutProps } from "./Layout.tsx";

/** Props of {@linkcode StatusPage}. */
export interface StatusPageProps extends Pick<LayoutProps, "userName" | "org"> {
  status: number;
  message?: string;
  /**
   * A refusal by the organization's plan (`feature_not_in_plan`, `feature_disabled`,
   * `plan_limit`): its message is shown, with a link to the billing page for admins.
   */
  plan?: { message: string; billingHref: string | null };
}

const TEXT: Record<number, { title: string; body: string }> = {
  400: { title: "That request did not work", body: "Something in the address or form is off." },
  402: {
    title: "Not in your plan",
    body: "Your organization's plan does not allow this. An admin can change the plan.",
  },
  403: {
    title: "Not allowed",
    body: "Your role in this organization does not include this page. Ask an admin if you need it.",
  },
  404: {
    title: "Page not found",
    body: "There is nothing here, or it belongs to an organization you are not a member of.",
  },
  500: { title: "Something went wrong", body: "It is our fault. Please try again in a moment." },
};

/** A failure page for `status`. */
export function StatusPage({ status, message, userName, org, plan }: StatusPageProps) {
  const text = plan
    ? { title: "Not in your plan", body: plan.message }
    : TEXT[status] ?? TEXT[status >= 500 ? 500 : 400];
  return (
    <Layout title={text.title} userName={userName} org={org} narrow>
      <div class="card status-page">
        <p class="status-code">Error {status}</p>
        <h1>{text.title}</h1>
        <p>{status === 400 && message ? message : text.body}</p>
        {plan?.billingHref && (
          <p>
            <a href={plan.billingHref}>See plans and billing</a>
          </p>
        )}
        <p>
          <a class="btn btn-primary" href={userName ? (org ? `/o/${org.id}/clock` : "/app") : "/"}>
            {userName ? "Back to ClockFlow" : "Go to sign in"}
          </a>
        </p>
      </div>
    </Layout>
  );
}
