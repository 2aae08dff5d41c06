/**
 * Defect 15: time zones are kept as their canonical IANA names (`america/new_york` is stored as
 * `America/New_York`) and offsets (`+05:30`, `UTC+2`) are refused, wherever a time zone is
 * accepted: sign-up, a new organization, the settings and locations — through the API and the
 * form pages. Names (organizations, locations, break and time-off types) refuse control and
 * bidirectional-override characters. A refusal writes nothing.
 */

import assert from "node:assert/strict";
import { Client, signUpOrg } from "../helpers.ts";
import {
  assertApiError,
  assertSameSnapshot,
  PASSWORD,
  snapshot,
  uniqueEmail,
  withApp,
} from "./support.ts";
import { post } from "../e2e/pages_support.ts";
import { defaultSettings } from "../../lib/settings/schema.ts";

const SITE = { name: "Depot", latitude: 40.7128, longitude: -74.006, radiusMeters: 100 };

/** Time zones as typed, and what is stored (null: refused). */
const ZONES: [string, string | null][] = [
  ["america/new_york", "America/New_York"],
  ["EUROPE/BERLIN", "Europe/Berlin"],
  ["Asia/Kolkata", "Asia/Kolkata"],
  ["UTC", "UTC"],
  ["+05:30", null],
  ["-08:00", null],
  ["UTC+2", null],
  ["Mars/Olympus", null],
];

/** Names that must be refused: a right-to-left override, an isolate, a bell, a newline. */
const BAD_NAMES = [
  "Invoice\u202Etxt.exe",
  "North\u2066 Site",
  "Bell\u0007",
  "Two\nLines",
];

Deno.test("time zones: sign-up and new organizations store the canonical name, refuse offsets", async () => {
  await withApp(async (app) => {
    for (const [typed, stored] of ZONES) {
      const client = new Client(app);
      const res = await client.json("POST", "/api/v1/signup", {
        organization: { name: "Zone Co", timeZone: typed },
        user: { name: "Zed", email: uniqueEmail(), password: PASSWORD },
      });
      if (stored === null) assertApiError(res, 400, "validation_failed");
      else {
        assert.equal(res.status, 201, `${typed}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.organization.timeZone, stored, typed);
      }
    }
    const admin = await signUpOrg(app);
    for (const [typed, stored] of ZONES) {
      const before = await snapshot(app.store);
      const res = await admin.client.json("POST", "/api/v1/orgs", {
        name: "Branch",
        timeZone: typed,
      });
      if (stored === null) {
        assertApiError(res, 400, "validation_failed");
        assertSameSnapshot(before, await snapshot(app.store), typed);
      } else {
        assert.equal(res.status, 201, `${typed}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.organization.timeZone, stored, typed);
      }
    }
  });
});

Deno.test("time zones: settings and locations store the canonical name, refuse offsets", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const loc = await admin.client.json("POST", `${base}/locations`, SITE);
    assert.equal(loc.status, 201);
    for (const [typed, stored] of ZONES) {
      const before = await snapshot(app.store);
      const settings = await admin.client.json("PATCH", `${base}/settings`, { timeZone: typed });
      const created = await admin.client.json("POST", `${base}/locations`, {
        ...SITE,
        active: false,
        timeZone: typed,
      });
      const patched = await admin.client.json("PATCH", `${base}/locations/${loc.body.id}`, {
        timeZone: typed,
      });
      if (stored === null) {
        for (const res of [settings, created, patched]) {
          assertApiError(res, 400, "validation_failed");
        }
        assertSameSnapshot(before, await snapshot(app.store), typed);
        continue;
      }
      assert.equal(settings.status, 200, `${typed}: ${JSON.stringify(settings.body)}`);
      assert.equal(settings.body.timeZone, stored, typed);
      assert.equal(created.status, 201, `${typed}: ${JSON.stringify(created.body)}`);
      assert.equal(created.body.timeZone, stored, typed);
      assert.equal(patched.status, 200, `${typed}: ${JSON.stringify(patched.body)}`);
      assert.equal(patched.body.timeZone, stored, typed);
      const me = await admin.client.json("GET", "/api/v1/me");
      const org = me.body.organizations.find((o: { id: string }) => o.id === admin.orgId);
      assert.ok(org, "the organization is listed");
    }
  });
});

Deno.test("names: control and direction-override characters are refused everywhere", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const loc = await admin.client.json("POST", `${base}/locations`, SITE);
    assert.equal(loc.status, 201);
    const types = defaultSettings("UTC");
    for (const bad of BAD_NAMES) {
      const before = await snapshot(app.store);
      const answers = [
        await new Client(app).json("POST", "/api/v1/signup", {
          organization: { name: bad, timeZone: "Europe/Berlin" },
          user: { name: "Zed", email: uniqueEmail(), password: PASSWORD },
        }),
        await admin.client.json("POST", "/api/v1/orgs", { name: bad, timeZone: "UTC" }),
        await admin.client.json("POST", `${base}/locations`, { ...SITE, name: bad }),
        await admin.client.json("PATCH", `${base}/locations/${loc.body.id}`, { name: bad }),
        await admin.client.json("PATCH", `${base}/locations/${loc.body.id}`, {
          address: `12 ${bad} St.`,
        }),
        await admin.client.json("PATCH", `${base}/settings`, {
          breaks: {
            ...types.breaks,
            types: [{ id: "meal", name: bad, paid: false }],
          },
        }),
        await admin.client.json("PATCH", `${base}/settings`, {
          pto: { types: [{ ...types.pto.types[0], name: bad }] },
        }),
      ];
      answers.forEach((res, i) => {
        assertApiError(res, 400, "validation_failed");
        assert.ok(Array.isArray(res.body.error.details), `${JSON.stringify(bad)} #${i}`);
      });
      assertSameSnapshot(before, await snapshot(app.store), JSON.stringify(bad));
    }
    // Names in other scripts, with accents or punctuation, are fine.
    for (const good of ["Café Zürich", "מחסן", "東京オフィス", "O'Brien & Sons (North)"]) {
      const res = await admin.client.json("POST", `${base}/locations`, {
        ...SITE,
        active: false,
        name: good,
      });
      assert.equal(res.status, 201, `${good}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.name, good);
    }
  });
});

Deno.test("time zones: the location and organization forms store the canonical name, refuse offsets", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const path = `/o/${admin.orgId}/locations`;
    const fields = {
      intent: "add",
      name: "Depot",
      address: "",
      latitude: "40.7128",
      longitude: "-74.006",
      radiusMeters: "100",
    };
    const before = await snapshot(app.store);
    const refused = await post(admin.client, path, { ...fields, timeZone: "+05:30" });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /data-error-for="timeZone"|id="[^"]*timeZone-error"/);
    const badName = await post(admin.client, path, { ...fields, name: "Depot\u202E" });
    assert.equal(badName.status, 400);
    await badName.body?.cancel();
    assertSameSnapshot(before, await snapshot(app.store));

    const added = await post(admin.client, path, { ...fields, timeZone: "america/chicago" });
    assert.equal(added.status, 303, await added.clone().text());
    const list = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/locations`);
    assert.equal(list.body.data[0].timeZone, "America/Chicago");

    const offset = await post(admin.client, "/app/orgs", { name: "Branch", timeZone: "+05:30" });
    assert.equal(offset.status, 400);
    await offset.body?.cancel();
    const org = await post(admin.client, "/app/orgs", { name: "Branch", timeZone: "asia/tokyo" });
    assert.equal(org.status, 303, await org.clone().text());
    const me = await admin.client.json("GET", "/api/v1/me");
    const branch = me.body.organizations.find((o: { name: string }) => o.name === "Branch");
    const profile = await admin.client.json("GET", `/api/v1/orgs/${branch.id}/settings`);
    assert.equal(profile.body.timeZone, "Asia/Tokyo");
  });
});
