/**
 * Shared helpers of the page tests that run over HTTP without a browser: a test app that is
 * always closed, form posts, pages read as HTML, and whole-store dumps for "a refused form changed
 * nothing" assertions.
 *
 * @module
 */

import { type Client, type TestApp, testApp } from "../helpers.ts";

/** The content type of a plain HTML form post. */
export const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** Post `fields` to `path` the way a browser submits a form without JavaScript. */
export function post(
  client: Client,
  path: string,
  fields: Record<string, string>,
): Promise<Response> {
  return client.request("POST", path, new URLSearchParams(fields).toString(), FORM);
}

/** A page as the test reads it: its status, its HTML and its headers. */
export interface PageAnswer {
  /** The HTTP status. */
  status: number;
  /** The body, read as text. */
  html: string;
  /** The response headers. */
  headers: Headers;
}

/** GET `path` as `client` and read the whole answer. */
export async function page(client: Client, path: string): Promise<PageAnswer> {
  const res = await client.request("GET", path);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** Run `fn` on a fresh test app and close its store afterwards, whatever happens. */
export async function withApp(fn: (app: TestApp) => Promise<void>): Promise<void> {
  const app = await testApp();
  try {
    await fn(app);
  } finally {
    app.close();
  }
}

/** Everything in the store, to assert that a refused form changed nothing. */
export async function dump(app: TestApp): Promise<string> {
  const rows: string[] = [];
  for await (const e of app.store.listAll()) {
    rows.push(`${JSON.stringify(e.key)}@${e.versionstamp}`);
  }
  return rows.join("\n");
}
