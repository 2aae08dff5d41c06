/**
 * Custom domains through a loopback DNS responder (`tests/fakes/dns.ts`, `DNS_NAMESERVER`):
 * set → pending with the TXT record to create, verify against what DNS answers (missing or
 * wrong → 422), one organization per domain, strict domain names, and a verified domain serving
 * the organization's branded sign-in page whose forms and cookies work there.
 */

import assert from "node:assert/strict";
import { Client, signUpOrg, type TestApp } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, PASSWORD, snapshot, withApp } from "./support.ts";
import { loadConfig } from "../../config.ts";
import { FakeDns } from "../fakes/dns.ts";
import { PNG } from "../fixtures/images.ts";
import { logoPath, sendBytes } from "./branding_support.ts";

const domainPath = (orgId: string) => `/api/v1/orgs/${orgId}/branding/domain`;

/** Run `fn` with a DNS responder and an app asking it. */
async function withDns(
  fn: (app: TestApp, dns: FakeDns) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const dns = await FakeDns.start();
  try {
    await withApp(
      (app) => fn(app, dns),
      { config: loadConfig({ KV_PATH: ":memory:", DNS_NAMESERVER: dns.nameServer, ...env }) },
    );
  } finally {
    await dns.close();
  }
}

Deno.test("the DNS responder answers Deno.resolveDns: TXT values (long ones split), NXDOMAIN for unknown names", async () => {
  const dns = await FakeDns.start();
  try {
    const nameServer = { ipAddr: "127.0.0.1", port: dns.port };
    dns.setTxt("_clockflow.hours.acme.example", "one", "t".repeat(300));
    const records = await Deno.resolveDns("_clockflow.hours.acme.example", "TXT", { nameServer });
    assert.deepEqual(records.map((r) => r.join("")).sort(), ["one", "t".repeat(300)]);
    await assert.rejects(
      Deno.resolveDns("_clockflow.other.example", "TXT", { nameServer }),
      Deno.errors.NotFound,
    );
    assert.deepEqual(dns.asked.map((q) => [q.name, q.type]), [
      ["_clockflow.hours.acme.example", 16],
      ["_clockflow.other.example", 16],
    ]);
  } finally {
    await dns.close();
  }
});

Deno.test("custom domain: pending with a TXT record to create; missing or wrong record → 422; the right one verifies", async () => {
  await withDns(async (app, dns) => {
    const admin = await signUpOrg(app, "Acme");
    const set = await admin.client.json("PUT", domainPath(admin.orgId), {
      domain: "  Hours.Acme.Example ",
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.domain, "hours.acme.example");
    assert.equal(set.body.status, "pending");
    assert.equal(set.body.txtName, "_clockflow.hours.acme.example");
    assert.match(set.body.txtValue, /^clockflow-verification=[A-Za-z0-9_-]{32}$/);
    // The same domain again keeps its token.
    const again = await admin.client.json("PUT", domainPath(admin.orgId), {
      domain: "hours.acme.example",
    });
    assert.equal(again.body.txtValue, set.body.txtValue);

    const before = await snapshot(app.store);
    const missing = await admin.client.json("POST", `${domainPath(admin.orgId)}/verify`);
    assertApiError(missing, 422, "domain_not_verified");
    assert.deepEqual(missing.body.error.details, {
      txtName: set.body.txtName,
      txtValue: set.body.txtValue,
      found: 0,
    });
    dns.setTxt(set.body.txtName, "clockflow-verification=wrong-token", "v=spf1 -all");
    const wrong = await admin.client.json("POST", `${domainPath(admin.orgId)}/verify`);
    assertApiError(wrong, 422, "domain_not_verified");
    assert.equal(wrong.body.error.details.found, 2);
    assertSameSnapshot(before, await snapshot(app.store), "a failed check changes nothing");

    dns.setTxt(set.body.txtName, "v=spf1 -all", set.body.txtValue);
    const ok = await admin.client.json("POST", `${domainPath(admin.orgId)}/verify`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, "verified");
    assert.equal(ok.body.domain, "hours.acme.example");
    assert.ok(dns.asked.every((q) => q.name === set.body.txtName && q.type === 16));
    let pointer: unknown = null;
    for await (const e of app.store.listAll()) {
      if (e.key[0] === "custom_domain") pointer = [e.key[1], e.value];
    }
    assert.deepEqual(pointer, ["hours.acme.example", admin.orgId]);
    const view = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/branding`);
    assert.equal(view.body.customDomain.status, "verified");
  });
});

Deno.test("custom domain: one organization per domain — a second one cannot verify it until the first lets go", async () => {
  await withDns(async (app, dns) => {
    const acme = await signUpOrg(app, "Acme");
    const rival = await signUpOrg(app, "Rival");
    const a = await acme.client.json("PUT", domainPath(acme.orgId), {
      domain: "hours.acme.example",
    });
    dns.setTxt(a.body.txtName, a.body.txtValue);
    assert.equal((await acme.client.json("POST", `${domainPath(acme.orgId)}/verify`)).status, 200);

    const r = await rival.client.json("PUT", domainPath(rival.orgId), {
      domain: "hours.acme.example",
    });
    assert.equal(r.status, 200);
    assert.notEqual(r.body.txtValue, a.body.txtValue, "each organization has its own token");
    dns.setTxt(r.body.txtName, a.body.txtValue, r.body.txtValue);
    const taken = await rival.client.json("POST", `${domainPath(rival.orgId)}/verify`);
    assertApiError(taken, 409, "domain_taken");

    // Acme moves to another domain: the first one is released in the same commit.
    const moved = await acme.client.json("PUT", domainPath(acme.orgId), {
      domain: "time.acme.example",
    });
    assert.equal(moved.body.status, "pending");
    const now = await rival.client.json("POST", `${domainPath(rival.orgId)}/verify`);
    assert.equal(now.status, 200, JSON.stringify(now.body));

    // Removing deletes the pointer; removing again is fine.
    assert.equal((await rival.client.request("DELETE", domainPath(rival.orgId))).status, 204);
    assert.equal((await rival.client.request("DELETE", domainPath(rival.orgId))).status, 204);
    for await (const e of app.store.listAll()) assert.notEqual(e.key[0], "custom_domain");
    assertApiError(await rival.client.json("POST", `${domainPath(rival.orgId)}/verify`), 404);
  });
});

Deno.test("custom domain: names are strict — no IPs, localhost, single labels, bad labels or the app's own host", async () => {
  await withDns(async (app) => {
    const admin = await signUpOrg(app);
    const before = await snapshot(app.store);
    for (
      const domain of [
        "localhost",
        "app.localhost",
        "10.0.0.1",
        "[::1]",
        "::1",
        "intranet",
        "-bad.example",
        "bad-.example",
        "a..example",
        "under_score.example",
        "hours.example.com/path",
        "https://hours.example.com",
        "hours.example.com:8443",
        `${"a".repeat(64)}.example`,
        "app.clockflow.example",
        "",
      ]
    ) {
      const res = await admin.client.json("PUT", domainPath(admin.orgId), { domain });
      assertApiError(res, 400, "validation_failed");
    }
    assertApiError(await admin.client.json("PUT", domainPath(admin.orgId), {}), 400);
    assertSameSnapshot(before, await snapshot(app.store));
  }, { PUBLIC_URL: "https://app.clockflow.example" });
});

Deno.test("a verified domain serves the organization's branded sign-in; its forms and host-only cookies work there", async () => {
  await withDns(async (app, dns) => {
    const admin = await signUpOrg(app, "Acme");
    await admin.client.json("PATCH", `/api/v1/orgs/${admin.orgId}/settings`, {
      branding: { accentColor: "#7c2d12" },
    });
    const logo = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), PNG, "image/png");
    const other = await signUpOrg(app, "Other");
    await other.client.json("PATCH", `/api/v1/orgs/${other.orgId}/settings`, {
      branding: { accentColor: "#1d4ed8" },
    });

    const visitor = new Client(app, "http://hours.acme.example");
    const pending = await admin.client.json("PUT", domainPath(admin.orgId), {
      domain: "hours.acme.example",
    });
    const unbranded = await (await visitor.request("GET", "/signin")).text();
    assert.ok(!unbranded.includes("org-logo"), "not before it is verified");

    dns.setTxt(pending.body.txtName, pending.body.txtValue);
    assert.equal(
      (await admin.client.json("POST", `${domainPath(admin.orgId)}/verify`)).status,
      200,
    );
    const page = await visitor.request("GET", "/signin");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(`src="${logo.body.logoUrl}"`), "Acme's logo");
    assert.ok(html.includes(`alt="Acme logo"`));
    assert.ok(html.includes(`href="/branding/accent/7c2d12.css"`), "Acme's colour");
    assert.ok(!html.includes("1d4ed8"), "not another organization's");
    // The logo itself is served on the custom domain too (the kiosk there loads it).
    const img = await visitor.request("GET", logo.body.logoUrl);
    assert.equal(img.status, 200);
    await img.body?.cancel();
    // The app's own host stays unbranded.
    const own = await (await new Client(app).request("GET", "/signin")).text();
    assert.ok(!own.includes("org-logo"));

    // Sign in there: the form's Origin is the custom domain, accepted as same-origin.
    const form = new URLSearchParams({ email: admin.email, password: PASSWORD, next: "/app" });
    const signin = await visitor.request("POST", "/signin", form.toString(), {
      "content-type": "application/x-www-form-urlencoded",
      origin: "http://hours.acme.example",
      "sec-fetch-site": "same-origin",
    });
    assert.equal(signin.status, 303, await signin.text());
    const cookie = signin.headers.getSetCookie().find((c) => c.startsWith("cf_session="));
    assert.ok(cookie, "a session cookie");
    assert.ok(!/;\s*domain=/i.test(cookie), "host-only: no Domain attribute");
    assert.match(cookie, /HttpOnly/i);
    // A cookie-carrying form from the custom domain to the custom domain is accepted…
    const out = await visitor.request("POST", "/signout", "", {
      "content-type": "application/x-www-form-urlencoded",
      origin: "http://hours.acme.example",
    });
    assert.equal(out.status, 303);
    // A refused sign-in renders the form again, still branded.
    const wrong = await visitor.request(
      "POST",
      "/signin",
      new URLSearchParams({ email: admin.email, password: "wrong password!" }).toString(),
      { "content-type": "application/x-www-form-urlencoded", origin: "http://hours.acme.example" },
    );
    assert.equal(wrong.status, 401);
    assert.ok((await wrong.text()).includes(`href="/branding/accent/7c2d12.css"`));
    // …and one from a foreign site is not.
    const foreign = await visitor.request("POST", "/signin", form.toString(), {
      "content-type": "application/x-www-form-urlencoded",
      origin: "https://evil.example",
    });
    assert.equal(foreign.status, 403);
    await foreign.body?.cancel();

    // Removing the domain unbrands it at once (this process forgets its cached mapping).
    assert.equal((await admin.client.request("DELETE", domainPath(admin.orgId))).status, 204);
    const after = await (await visitor.request("GET", "/signin")).text();
    assert.ok(!after.includes("org-logo") && !after.includes("7c2d12"));
  });
});
