/**
 * The admin settings and locations pages over HTTP, without a browser: the settings form posts
 * back exactly what it shows (every section round-trips), edits land in the API, refusals show
 * next to their fields and change nothing; locations are added, edited, deactivated and deleted
 * with plain forms; the no-JavaScript clock form offers the locations and explains why it cannot
 * clock in when a position is required.
 *
 * @module
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg } from "../helpers.ts";
import { dump, page, post, withApp } from "./pages_support.ts";

function unescape(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}(?:="([^"]*)")?(?=[\\s/>])`).exec(tag);
  return m ? unescape(m[1] ?? "") : null;
}

/**
 * The fields a browser would submit from the form whose `action` is `action` (inputs, checked
 * checkboxes, selected options; the first option when none is selected).
 */
function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `a form posting to ${action}`);
  const form = html.slice(start, html.indexOf("</form>", start));
  const out: Record<string, string> = {};
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, "name");
    if (name === null) continue;
    const type = attr(tag, "type") ?? "text";
    if (type === "checkbox" && attr(tag, "checked") === null) continue;
    out[name] = attr(tag, "value") ?? (type === "checkbox" ? "on" : "");
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(`<select${m[1]}>`, "name");
    if (name === null) continue;
    const options = [...m[2].matchAll(/<option\b[^>]*>/g)].map((o) => o[0]);
    const chosen = options.find((o) => attr(o, "selected") !== null) ?? options[0];
    out[name] = attr(chosen, "value") ?? "";
  }
  return out;
}

// deno-lint-ignore no-explicit-any
type Json = any;

async function settingsOf(client: Client, orgId: string): Promise<Json> {
  return (await client.json("GET", `/api/v1/orgs/${orgId}/settings`)).body;
}

Deno.test("settings page: the form posts back exactly the stored settings, every section", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app, "Round Trip", "America/Denver");
    const path = `/o/${orgId}/settings`;
    // Start from settings that use every kind of field: custom overtime, every accrual method.
    const start = await client.json("PATCH", `/api/v1/orgs/${orgId}/settings`, {
      workweekStart: "sunday",
      payPeriod: { type: "semimonthly", anchorDate: "2026-03-01" },
      overtime: {
        preset: "custom",
        dailyOvertimeAfterSeconds: 9.5 * 3600,
        dailyDoubleTimeAfterSeconds: null,
        weeklyOvertimeAfterSeconds: 40 * 3600,
        seventhDay: true,
        overtimeMultiplier: 1.75,
        doubleTimeMultiplier: 2.25,
      },
      rounding: { mode: "down", incrementMinutes: 10 },
      breaks: {
        types: [
          { id: "meal", name: "Meal break", paid: false },
          { id: "smoke", name: "Smoke & rest", paid: true },
        ],
        autoDeduct: { enabled: true, afterWorkedSeconds: 5.25 * 3600, deductSeconds: 20 * 60 },
      },
      requireLocation: true,
      employeesCanEditOwnEntries: true,
      pto: {
        types: [
          ...(await settingsOf(client, orgId)).pto.types,
          {
            id: "bank",
            name: 'Banked time "B"',
            paid: true,
            accrual: { method: "per_pay_period", earnSeconds: 2.5 * 3600 },
            waitingPeriodDays: 0,
            maxBalanceSeconds: 1000 * 3600,
            carryoverCapSeconds: 0,
            hoursPerDaySeconds: 7.5 * 3600,
          },
        ],
      },
    });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const before = await settingsOf(client, orgId);
    assert.equal(before.version, 1);

    const view = await page(client, path);
    assert.equal(view.status, 200);
    for (
      const heading of ["Calendar", "Pay period", "Overtime", "Rounding", "Breaks", "Time off"]
    ) {
      assert.match(view.html, new RegExp(`<h2 id="settings-[a-z]+">${heading}</h2>`));
    }
    const fields = formFields(view.html, path);
    assert.equal(fields.version, "1");
    assert.equal(fields.timeZone, "America/Denver");
    assert.equal(fields["overtime.dailyOvertimeAfterHours"], "9.5");
    assert.equal(fields["pto.types.3.name"], 'Banked time "B"');
    assert.equal(fields["pto.types.4.name"], "", "a blank row to add a type");

    const res = await post(client, path, fields);
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get("location"), `${path}?ok=settings_saved`);
    const after = await settingsOf(client, orgId);
    assert.deepEqual(after, { ...before, version: 2 }, "nothing but the version changed");
    assert.match((await page(client, `${path}?ok=settings_saved`)).html, /Settings saved\./);
  });
});

Deno.test("settings page: edits of every section land in the settings", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app, "Edits", "America/New_York");
    const path = `/o/${orgId}/settings`;
    const fields = formFields((await page(client, path)).html, path);
    assert.equal(fields["overtime.preset"], "flsa");
    const edited: Record<string, string> = {
      ...fields,
      timeZone: "Europe/Lisbon",
      workweekStart: "wednesday",
      "payPeriod.type": "monthly",
      "payPeriod.anchorDate": "2026-02-01",
      "overtime.preset": "custom",
      "overtime.dailyOvertimeAfterHours": "8",
      "overtime.dailyDoubleTimeAfterHours": "",
      "overtime.weeklyOvertimeAfterHours": "37.5",
      "overtime.overtimeMultiplier": "1.5",
      "overtime.doubleTimeMultiplier": "2",
      "overtime.seventhDay": "true",
      "rounding.mode": "nearest",
      "rounding.incrementMinutes": "15",
      // Rename the meal break, drop the rest break, add a new one through the blank row.
      "breaks.types.0.name": "Lunch",
      "breaks.types.1.remove": "true",
      "breaks.types.2.name": "Prayer break",
      "breaks.types.2.paid": "true",
      "breaks.autoDeduct.enabled": "true",
      "breaks.autoDeduct.afterWorkedHours": "6",
      "breaks.autoDeduct.deductMinutes": "30",
      requireLocation: "true",
      // Sick leave: grant 24 h on July 1st; unpaid leave removed; a new accruing type.
      "pto.types.1.accrual.earnHours": "24",
      "pto.types.1.accrual.grantOn": "07-01",
      "pto.types.2.remove": "true",
      "pto.types.3.name": "Floating holiday",
      "pto.types.3.id": "",
      "pto.types.3.paid": "true",
      "pto.types.3.accrual.method": "per_hours_worked",
      "pto.types.3.accrual.earnHours": "1",
      "pto.types.3.accrual.perWorkedHours": "40",
      "pto.types.3.waitingPeriodDays": "30",
      "pto.types.3.maxBalanceHours": "16",
      "pto.types.3.carryoverCapHours": "",
      "pto.types.3.hoursPerDay": "8",
    };
    delete edited.employeesCanEditOwnEntries;
    const res = await post(client, path, edited);
    assert.equal(res.status, 303, await res.clone().text());
    const s = await settingsOf(client, orgId);
    assert.equal(s.version, 1);
    assert.equal(s.timeZone, "Europe/Lisbon");
    assert.equal(
      (await client.json("GET", `/api/v1/orgs/${orgId}`)).body.timeZone,
      "Europe/Lisbon",
    );
    assert.equal(s.workweekStart, "wednesday");
    assert.deepEqual(s.payPeriod, { type: "monthly", anchorDate: "2026-02-01" });
    assert.deepEqual(s.overtime, {
      preset: "custom",
      dailyOvertimeAfterSeconds: 8 * 3600,
      dailyDoubleTimeAfterSeconds: null,
      weeklyOvertimeAfterSeconds: 37.5 * 3600,
      seventhDay: true,
      overtimeMultiplier: 1.5,
      doubleTimeMultiplier: 2,
    });
    assert.deepEqual(s.rounding, { mode: "nearest", incrementMinutes: 15 });
    assert.deepEqual(s.breaks, {
      types: [
        { id: "meal", name: "Lunch", paid: false },
        { id: "prayer_break", name: "Prayer break", paid: true },
      ],
      autoDeduct: { enabled: true, afterWorkedSeconds: 6 * 3600, deductSeconds: 1800 },
    });
    assert.equal(s.requireLocation, true);
    assert.equal(s.employeesCanEditOwnEntries, false);
    assert.deepEqual(s.pto.types.map((t: Json) => t.id), ["vacation", "sick", "floating_holiday"]);
    assert.deepEqual(s.pto.types[1].accrual, {
      method: "annual_grant",
      earnSeconds: 24 * 3600,
      grantOn: "07-01",
    });
    assert.deepEqual(s.pto.types[2], {
      id: "floating_holiday",
      name: "Floating holiday",
      paid: true,
      accrual: { method: "per_hours_worked", earnSeconds: 3600, perWorkedSeconds: 40 * 3600 },
      waitingPeriodDays: 30,
      maxBalanceSeconds: 16 * 3600,
      carryoverCapSeconds: null,
      hoursPerDaySeconds: 8 * 3600,
    });
    // The page shows what was saved, custom overtime included.
    const again = formFields((await page(client, path)).html, path);
    assert.equal(again["overtime.weeklyOvertimeAfterHours"], "37.5");
    assert.equal(again["overtime.seventhDay"], "true");
    assert.equal(again["pto.types.2.id"], "floating_holiday");
    assert.equal(again.requireLocation, "true");
  });
});

Deno.test("settings page: invalid fields are shown next to them and nothing changes", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app);
    const path = `/o/${orgId}/settings`;
    const fields = formFields((await page(client, path)).html, path);
    const before = await dump(app);
    const res = await post(client, path, {
      ...fields,
      timeZone: "Mars/Olympus",
      "payPeriod.anchorDate": "2026-02-30",
      "overtime.preset": "custom",
      "overtime.weeklyOvertimeAfterHours": "forty",
      "overtime.overtimeMultiplier": "1.555",
      "breaks.types.1.id": "meal",
      "breaks.autoDeduct.deductMinutes": "0",
      "pto.types.0.hoursPerDay": "25",
      "pto.types.1.accrual.grantOn": "02-30",
    });
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /role="alert"/);
    const errorOf = (name: string) => {
      const id = `s-${name.replaceAll(".", "-")}`;
      assert.match(
        html,
        new RegExp(`id="${id}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*${id}-error`),
        name,
      );
      return html.match(new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`))?.[1];
    };
    assert.equal(errorOf("overtime.weeklyOvertimeAfterHours"), "Enter a number of hours, like 7.5");
    assert.equal(errorOf("overtime.overtimeMultiplier"), "Use at most two decimals, like 1.5");
    assert.equal(errorOf("breaks.types.1.id"), "Another break type uses this code");
    assert.equal(errorOf("breaks.autoDeduct.deductMinutes"), "Enter 1 to 240 minutes");
    assert.equal(errorOf("pto.types.0.hoursPerDay"), "Enter 1 to 24 hours");
    assert.match(errorOf("pto.types.1.accrual.grantOn")!, /MM-DD/);
    // What was typed is shown again.
    assert.match(html, /value="forty"/);
    assert.equal(await dump(app), before);

    // The schema's own checks (time zone, real dates) are reported at their fields too.
    const zone = await post(client, path, {
      ...fields,
      timeZone: "Mars/Olympus",
      "payPeriod.anchorDate": "2026-02-30",
    });
    assert.equal(zone.status, 400);
    const zoneHtml = await zone.text();
    assert.match(zoneHtml, /id="s-timeZone-error">Choose a time zone from the list</);
    assert.match(zoneHtml, /id="s-payPeriod-anchorDate-error">Enter a real date</);
    const noBreaks = await post(client, path, {
      ...fields,
      "breaks.types.0.remove": "true",
      "breaks.types.1.remove": "true",
    });
    assert.equal(noBreaks.status, 400);
    assert.match(await noBreaks.text(), /Keep at least one break type/);
    assert.equal(await dump(app), before);
  });
});

Deno.test("settings page: a form loaded before another change is refused (version_conflict)", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app);
    const path = `/o/${orgId}/settings`;
    const stale = formFields((await page(client, path)).html, path);
    const other = await client.json("PATCH", `/api/v1/orgs/${orgId}/settings`, {
      workweekStart: "friday",
    });
    assert.equal(other.status, 200);
    const before = await dump(app);
    const res = await post(client, path, { ...stale, "rounding.mode": "up" });
    assert.equal(res.status, 409);
    const html = await res.text();
    assert.match(html, /changed since you loaded them/);
    assert.match(html, new RegExp(`<a href="${path}">Load the current settings</a>`));
    assert.match(html, /<option value="up" selected>/, "the person's edits are kept on screen");
    assert.equal(await dump(app), before);
    assert.equal((await settingsOf(client, orgId)).workweekStart, "friday");
  });
});

Deno.test("settings and locations pages: admins only; other tenants are not found", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const other = await signUpOrg(app);
    for (const role of ["manager", "employee"] as const) {
      const m = await addMemberWithLogin(app, admin.client, admin.orgId, role);
      for (const p of ["settings", "locations"]) {
        const res = await page(m.client, `/o/${admin.orgId}/${p}`);
        assert.equal(res.status, 403, `${role} ${p}`);
        assert.match(res.html, /Not allowed/);
      }
      const before = await dump(app);
      const res = await post(m.client, `/o/${admin.orgId}/settings`, { requireLocation: "true" });
      assert.equal(res.status, 403);
      assert.equal(await dump(app), before);
    }
    for (const p of ["settings", "locations"]) {
      assert.equal((await page(other.client, `/o/${admin.orgId}/${p}`)).status, 404);
      assert.equal((await page(admin.client, `/o/${admin.orgId}/${p}`)).status, 200);
    }
    const clock = await page(admin.client, `/o/${admin.orgId}/clock`);
    assert.match(clock.html, new RegExp(`href="/o/${admin.orgId}/settings"`));
    assert.match(clock.html, new RegExp(`href="/o/${admin.orgId}/locations"`));
  });
});

Deno.test("locations page: add, edit, deactivate, reactivate and delete with plain forms", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app);
    const path = `/o/${orgId}/locations`;
    const empty = await page(client, path);
    assert.match(empty.html, /No locations yet/);

    const before = await dump(app);
    const bad = await post(client, path, {
      intent: "add",
      name: "",
      address: "",
      latitude: "91",
      longitude: "abc",
      radiusMeters: "10",
      timeZone: "",
    });
    assert.equal(bad.status, 400);
    const badHtml = await bad.text();
    assert.match(badHtml, /Enter the location&#39;s name|Enter the location's name/);
    assert.match(badHtml, /Enter a latitude between -90 and 90/);
    assert.match(badHtml, /Enter a longitude between -180 and 180/);
    assert.match(badHtml, /from 25 to 100000/);
    assert.equal(await dump(app), before);

    const added = await post(client, path, {
      intent: "add",
      name: "Main St. Warehouse",
      address: "12 Main St.",
      latitude: "40.7128, -74.0060",
      longitude: "",
      radiusMeters: "150",
      timeZone: "America/New_York",
    });
    assert.equal(added.status, 303, await added.clone().text());
    assert.equal(added.headers.get("location"), `${path}?ok=location_added`);
    const list = await client.json("GET", `/api/v1/orgs/${orgId}/locations`);
    const [loc] = list.body.data;
    assert.deepEqual(
      { ...loc, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        name: "Main St. Warehouse",
        address: "12 Main St.",
        latitude: 40.7128,
        longitude: -74.006,
        radiusMeters: 150,
        timeZone: "America/New_York",
        active: true,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
    const shown = await page(client, `${path}?ok=location_added`);
    assert.match(shown.html, /Location added\./);
    assert.match(shown.html, /40\.71280° N, 74\.00600° W/);
    assert.match(shown.html, /Fence 150 m/);

    // The edit form opens for one location and posts back what it shows.
    const editView = await page(client, `${path}?edit=${loc.id}`);
    const editFields = formFields(editView.html, path);
    assert.equal(editFields.intent, "edit");
    assert.equal(editFields.locationId, loc.id);
    assert.equal(editFields.active, "true");
    const edit = await post(client, path, { ...editFields, name: "Warehouse", radiusMeters: "80" });
    assert.equal(edit.status, 303, await edit.clone().text());
    let now = (await client.json("GET", `/api/v1/orgs/${orgId}/locations/${loc.id}`)).body;
    assert.equal(now.name, "Warehouse");
    assert.equal(now.radiusMeters, 80);
    assert.equal(now.latitude, 40.7128);

    const before2 = await dump(app);
    const badEdit = await post(client, path, { ...editFields, radiusMeters: "24" });
    assert.equal(badEdit.status, 400);
    const badEditHtml = await badEdit.text();
    assert.match(badEditHtml, /Edit Main St\. Warehouse|Edit Warehouse/);
    assert.match(badEditHtml, /value="24"/);
    assert.equal(await dump(app), before2);

    assert.equal(
      (await post(client, path, { intent: "active", locationId: loc.id, active: "false" })).status,
      303,
    );
    now = (await client.json("GET", `/api/v1/orgs/${orgId}/locations/${loc.id}`)).body;
    assert.equal(now.active, false);
    assert.match((await page(client, path)).html, /Reactivate/);
    await post(client, path, { intent: "active", locationId: loc.id, active: "true" });
    assert.equal(
      (await client.json("GET", `/api/v1/orgs/${orgId}/locations/${loc.id}`)).body.active,
      true,
    );

    const del = await post(client, path, { intent: "delete", locationId: loc.id });
    assert.equal(del.status, 303);
    assert.equal(del.headers.get("location"), `${path}?ok=location_deleted`);
    assert.equal(
      (await client.json("GET", `/api/v1/orgs/${orgId}/locations/${loc.id}`)).status,
      404,
    );
  });
});

Deno.test("locations page: another organization's location is not found", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const b = await signUpOrg(app);
    const theirs = await b.client.json("POST", `/api/v1/orgs/${b.orgId}/locations`, {
      name: "B site",
      latitude: 1,
      longitude: 1,
      radiusMeters: 100,
    });
    const before = await dump(app);
    const attempts: Record<string, string>[] = [
      { intent: "delete", locationId: theirs.body.id },
      { intent: "active", locationId: theirs.body.id, active: "false" },
      {
        intent: "edit",
        locationId: theirs.body.id,
        name: "x",
        latitude: "1",
        longitude: "1",
        radiusMeters: "100",
      },
    ];
    for (const fields of attempts) {
      const res = await post(a.client, `/o/${a.orgId}/locations`, fields);
      assert.equal(res.status, 404, JSON.stringify(fields));
      assert.doesNotMatch(await res.text(), /B site/);
    }
    assert.doesNotMatch(
      (await page(a.client, `/o/${a.orgId}/locations?edit=${theirs.body.id}`)).html,
      /B site/,
    );
    assert.equal(await dump(app), before);
  });
});

Deno.test("clock page: locations to pick without JavaScript; a required position is explained", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const emp = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const api = `/api/v1/orgs/${admin.orgId}`;
    const mk = (name: string, latitude: number) =>
      admin.client.json("POST", `${api}/locations`, {
        name,
        latitude,
        longitude: -74,
        radiusMeters: 100,
      });
    const shop = (await mk("Shop", 40)).body;
    const yard = (await mk("Yard", 41)).body;
    const path = `/o/${admin.orgId}/clock`;
    const view = await page(emp.client, path);
    assert.match(view.html, /<label for="clock-location">Location<\/label>/);
    assert.match(view.html, new RegExp(`<option value="${yard.id}">Yard</option>`));
    assert.doesNotMatch(view.html, /<noscript>/, "no position needed yet");

    // Not required: the picked location is stored.
    const picked = await post(emp.client, path, { action: "in", locationId: yard.id });
    assert.equal(picked.status, 303);
    const status = (await emp.client.json("GET", `${api}/clock`)).body;
    assert.equal(status.entry.locationId, yard.id);
    assert.match((await page(emp.client, path)).html, /Clocked in at Yard since/);
    app.clock.advance(600);
    assert.equal((await post(emp.client, path, { action: "out" })).status, 303);

    // Required: the page says why the plain form cannot clock in, and the form is refused.
    await admin.client.json("PATCH", `${api}/settings`, { requireLocation: true });
    const required = await page(emp.client, path);
    assert.match(required.html, /<noscript>[\s\S]*needs your position[\s\S]*<\/noscript>/);
    assert.match(required.html, /&quot;requireLocation&quot;:true|"requireLocation":true/);
    const before = await dump(app);
    const refused = await post(emp.client, path, { action: "in", locationId: shop.id });
    assert.equal(refused.status, 422);
    const html = await refused.text();
    assert.match(html, /this form cannot read it/);
    assert.match(html, new RegExp(`<option selected value="${shop.id}">Shop</option>`));
    assert.equal(await dump(app), before);
    // A form that carries a position (filled in by a script) is fenced like the API.
    const far = await post(emp.client, path, {
      action: "in",
      locationId: shop.id,
      latitude: "40.01",
      longitude: "-74",
      accuracy: "10",
    });
    assert.equal(far.status, 422);
    assert.match(await far.text(), /You are 1112 m from Shop \(fence 100 m\)/);
    const near = await post(emp.client, path, {
      action: "in",
      latitude: "40.0005",
      longitude: "-74",
      accuracy: "10",
    });
    assert.equal(near.status, 303);
    assert.equal((await emp.client.json("GET", `${api}/clock`)).body.entry.locationId, shop.id);
  });
});
