/**
 * Shared scaffolding of the Chromium tests: the browser and its flags, the islands build, the app
 * served on a loopback port, pages in fresh browser profiles that one call closes again, the
 * watch for console errors, page errors and CSP violations, and signing in through the form.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 *
 * @module
 */

import { type BrowserContext, chromium, type Geolocation, type Page } from "playwright-core";
import { type TestApp, testApp } from "../helpers.ts";
import type { AppDeps } from "../../routes/context.ts";
import { buildIslands } from "../../scripts/build_islands.ts";

/** Where the Chromium the tests drive is installed. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * The flags every test browser starts with: headless without a sandbox or GPU, and no
 * background traffic (QUIC, updates, sync) that this machine cannot make or wait for.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The password of the accounts that tests/helpers.ts creates. */
const PASSWORD = "correct horse battery";

/** The screen of a phone, in CSS pixels. */
const PHONE = { width: 390, height: 844 };

/** Build the islands bundle when no build exists yet (`deno task test` builds first). */
export async function ensureBuilt(): Promise<void> {
  try {
    await Deno.stat(new URL("../../static/build/manifest.json", import.meta.url));
  } catch {
    await buildIslands();
  }
}

/** The app served on a free loopback port. */
export interface Served {
  /** The origin to open, like `http://127.0.0.1:41234`. */
  base: string;
  /** Stop serving; resolves when open connections are done. */
  shutdown(): Promise<void>;
}

/** Serve `app` on a free port of 127.0.0.1 until {@linkcode Served.shutdown}. */
export function serveApp(app: TestApp): Served {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => app.fetch(req),
  );
  return { base: `http://127.0.0.1:${server.addr.port}`, shutdown: () => server.shutdown() };
}

/** How {@linkcode openPage} sets up the browser; the locale is always `en-US`. */
export interface PageOptions {
  /** Run scripts on the page (default `true`); `false` is a browser without JavaScript. */
  javaScriptEnabled?: boolean;
  /** A phone: a 390×844 touch screen at twice the pixel density (default `false`). */
  mobile?: boolean;
  /** The window's size; overrides the phone's. Playwright's 1280×720 when neither is given. */
  viewport?: { width: number; height: number };
  /** The browser's time zone, like `America/New_York`; the machine's when not given. */
  timezoneId?: string;
  /** Permissions granted to every origin, like `["geolocation"]`. */
  permissions?: string[];
  /** The position the browser reports; change it later with `page.context().setGeolocation`. */
  geolocation?: Geolocation;
  /** Let a test inject scripts the page's CSP would refuse (axe-core); never for app behaviour. */
  bypassCSP?: boolean;
}

/** What {@linkcode openPage} opened and {@linkcode closeBrowsers} closes. */
const opened: { contexts: BrowserContext[]; dirs: string[] } = { contexts: [], dirs: [] };

/**
 * Start a Chromium in a fresh temporary profile and return its page. The browser and its profile
 * directory stay until {@linkcode closeBrowsers}, which every test calls when it ends.
 */
export async function openPage(options: PageOptions = {}): Promise<Page> {
  const dir = await Deno.makeTempDir({ prefix: "clockflow-chromium-" });
  opened.dirs.push(dir);
  const { javaScriptEnabled = true, mobile = false, viewport, ...rest } = options;
  const screen = mobile
    ? { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
    : {};
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    locale: "en-US",
    javaScriptEnabled,
    ...screen,
    ...(viewport ? { viewport } : {}),
    ...rest,
  });
  opened.contexts.push(context);
  return context.pages()[0] ?? await context.newPage();
}

/** Close every browser {@linkcode openPage} started and remove their profile directories. */
export async function closeBrowsers(): Promise<void> {
  for (const c of opened.contexts.splice(0)) await c.close().catch(() => {});
  for (const d of opened.dirs.splice(0)) await Deno.remove(d, { recursive: true }).catch(() => {});
}

/**
 * Run `test` against the app (built islands, `testApp(overrides)`) served on a loopback port, then
 * close every browser, the server and the store, whatever happened.
 *
 * @example
 * ```ts
 * Deno.test("…", () => withServedApp(async (app, base) => { const page = await openPage(); … }));
 * ```
 */
export async function withServedApp(
  test: (app: TestApp, base: string) => Promise<void>,
  overrides: Partial<AppDeps> = {},
): Promise<void> {
  await ensureBuilt();
  const app = await testApp(overrides);
  const server = serveApp(app);
  try {
    await test(app, server.base);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
}

/** How {@linkcode watchProblems} labels and filters what it collects. */
export interface WatchOptions {
  /** Put before each problem, to tell several pages apart (like `manager`). */
  label?: string;
  /** Console errors to leave out, like the network log line of an expected 4xx. */
  ignore?: RegExp;
}

/**
 * Collect console errors, page errors and CSP violations of `page` into `problems`, for a test to
 * assert that it stayed empty. Call it before the page's first navigation.
 */
export async function watchProblems(
  page: Page,
  problems: string[],
  options: WatchOptions = {},
): Promise<void> {
  const prefix = options.label ? `${options.label} ` : "";
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error" || options.ignore?.test(msg.text())) return;
    problems.push(`${prefix}console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`${prefix}page error: ${err.message}`));
}

/**
 * Sign in through the form: open `next` (a path with its query) on `base`, expect to be sent to
 * the sign-in page, sign in as `email` and wait to arrive back at `next`.
 */
export async function signIn(
  page: Page,
  base: string,
  email: string,
  next: string,
  password: string = PASSWORD,
): Promise<void> {
  await page.goto(`${base}${next}`);
  await page.waitForURL(/\/signin\?next=/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname + url.search === next);
}
