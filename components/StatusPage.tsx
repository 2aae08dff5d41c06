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
}

const TEXT: Record<number, { title: string; body: string }> = {
  400: { title: "That request did not work", body: "Something in the address or form is off." },
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
export function StatusPage({ status, message, userName, org }: StatusPageProps) {
  const text = TEXT[status] ?? TEXT[status >= 500 ? 500 : 400];
  return (
    <Layout title={text.title} userName={userName} org={org} narrow>
      <div class="card status-page">
        <p class="status-code">Error {status}</p>
        <h1>{text.title}</h1>
        <p>{status === 400 && message ? message : text.body}</p>
        <p>
          <a class="btn btn-primary" href={userName ? (org ? `/o/${org.id}/clock` : "/app") : "/"}>
            {userName ? "Back to ClockFlow" : "Go to sign in"}
          </a>
        </p>
      </div>
    </Layout>
  );
}
