/**
 * Exports over HTTP (issue #9 §4): create → 202, the job (inline in tests) builds the file,
 * the download is the exact CSV as an attachment; who may export what; validation refusals
 * change nothing; plan gates; API key scopes; expiry; the crash/re-run; the completion mail and
 * the `export.completed` webhook message.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, DAY, HOUR, snapshot, withApp } from "./support.ts";
import { addEntry, bytesText, createExport, handlerOf, HeldTransport } from "./exports_support.ts";
import type { KvMailbox } from "../../lib/mail/mail.ts";
import { chunkKey, exportKey } from "../../lib/exports/repository.ts";
import type { ExportRecord } from "../../lib/exports/model.ts";
import { CHUNK_BYTES } from "../../lib/exports/model.ts";

const HEADER = "Member,Date,Start,End,Worked (hours),Breaks (hours),Location,Note,Source\r\n";

/** 2026-10-28 13:00Z = 09:00 in New York (EDT). */
const OCT28_0900 = Date.UTC(2026, 9, 28, 13, 0, 0);
/** 2026-10-30 14:00Z = 10:00 in New York. */
const OCT30_1000 = Date.UTC(2026, 9, 30, 14, 0, 0);

Deno.test("an admin's CSV of time entries: 202, built by the job, exact bytes as an attachment", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Export Co");
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    await addEntry(admin.client, admin.orgId, worker.userId, OCT30_1000, 4.5, "=HYPERLINK(1)");
    await addEntry(admin.client, admin.orgId, worker.userId, OCT28_0900, 8, 'fence, "north"');
    const base = `/api/v1/orgs/${admin.orgId}/exports`;
    const id = await createExport(admin.client, admin.orgId, {
      kind: "time_entries",
      format: "csv",
      from: "2026-10-01",
      to: "2026-10-31",
    });
    const got = await admin.client.json("GET", `${base}/${id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.status, "done");
    assert.equal(got.body.progress, 1);
    assert.equal(got.body.rowCount, 2);
    assert.equal(got.body.kind, "time_entries");
    assert.equal(got.body.format, "csv");
    assert.equal(got.body.downloadUrl, `http://localhost${base}/${id}/download`);
    assert.equal(got.body.expiresAt, new Date(app.clock.ms + 7 * DAY).toISOString());

    const res = await admin.client.request("GET", `${base}/${id}/download`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.equal(
      res.headers.get("content-disposition"),
      'attachment; filename="clockflow-time_entries-2026-10-01-2026-10-31.csv"',
    );
    const name = worker.email
      ? (await admin.client.json(
        "GET",
        `/api/v1/orgs/${admin.orgId}/members/${worker.userId}`,
      )).body.name
      : "";
    assert.equal(
      await bytesText(res),
      HEADER +
        `${name},2026-10-28,2026-10-28T09:00:00,2026-10-28T17:00:00,8.00,0.00,,"fence, ""north""",manual\r\n` +
        `${name},2026-10-30,2026-10-30T10:00:00,2026-10-30T14:30:00,4.50,0.00,,'=HYPERLINK(1),manual\r\n`,
    );

    const list = await admin.client.json("GET", base);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((e: { id: string }) => e.id), [id]);
  });
});

Deno.test("the completion mail reaches the requester and export.completed is written for a subscriber", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const scope = (await app.store.scopeForJob(admin.orgId))!;
    await scope.atomic().set(scope.key("webhook_subscriptions"), {
      endpoints: [
        { endpointId: "ep_on", events: ["export.completed"], enabled: true },
        { endpointId: "ep_off", events: ["export.completed"], enabled: false },
        { endpointId: "ep_other", events: ["clock.in"], enabled: true },
      ],
    }).commit();
    const id = await createExport(admin.client, admin.orgId, {
      kind: "time_entries",
      format: "csv",
      from: "2026-10-01",
      to: "2026-10-31",
      bom: true,
    });
    const mails = await (app.deps.mailer as KvMailbox).list();
    const mail = mails.find((m) => m.to === admin.email && /export .*is ready/.test(m.subject));
    assert.ok(mail, `a completion mail to ${admin.email}: ${JSON.stringify(mails)}`);
    assert.ok(
      mail.text.includes(`http://localhost/api/v1/orgs/${admin.orgId}/exports/${id}/download`),
      mail.text,
    );
    const messages = [];
    for await (
      const e of scope.list<{ type: string; data: { id: string } }>(
        scope.key("webhook_message"),
      )
    ) messages.push(e.value);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].type, "export.completed");
    assert.equal(messages[0].data.id, id);
    // The BOM was asked for: the file starts with it.
    const res = await admin.client.request(
      "GET",
      `/api/v1/orgs/${admin.orgId}/exports/${id}/download`,
    );
    assert.equal(await bytesText(res), "\uFEFF" + HEADER);
  });
});

Deno.test("employees export only their own entries and timesheets, and see only their exports", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const other = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    await addEntry(admin.client, admin.orgId, worker.userId, OCT28_0900, 8);
    await addEntry(admin.client, admin.orgId, other.userId, OCT30_1000, 2);
    const base = `/api/v1/orgs/${admin.orgId}/exports`;
    const range = { format: "csv", from: "2026-10-01", to: "2026-10-31" };
    const own = await createExport(worker.client, admin.orgId, { kind: "time_entries", ...range });
    const ownRows = (await worker.client.json("GET", `${base}/${own}`)).body;
    assert.equal(ownRows.userId, worker.userId, "the member is forced to themselves");
    assert.equal(ownRows.rowCount, 1);
    const before = await snapshot(app.store);
    assertApiError(
      await worker.client.json("POST", base, {
        kind: "time_entries",
        ...range,
        userId: other.userId,
      }),
      403,
      "forbidden",
    );
    for (const kind of ["hours_report", "payroll"]) {
      assertApiError(await worker.client.json("POST", base, { kind, ...range }), 403, "forbidden");
    }
    assertSameSnapshot(before, await snapshot(app.store), "refused employee exports");
    const adminExport = await createExport(admin.client, admin.orgId, {
      kind: "time_entries",
      ...range,
    });
    assertApiError(await worker.client.json("GET", `${base}/${adminExport}`), 404, "not_found");
    assertApiError(
      await worker.client.json("GET", `${base}/${adminExport}/download`),
      404,
      "not_found",
    );
    const mine = await worker.client.json("GET", base);
    assert.deepEqual(mine.body.data.map((e: { id: string }) => e.id), [own]);
    const all = await admin.client.json("GET", base);
    assert.deepEqual(all.body.data.map((e: { id: string }) => e.id), [adminExport, own]);
    // A manager may export anyone.
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const theirs = await createExport(manager.client, admin.orgId, {
      kind: "time_entries",
      ...range,
      userId: other.userId,
    });
    assert.equal((await manager.client.json("GET", `${base}/${theirs}`)).body.rowCount, 1);
  });
});

Deno.test("bad export requests answer 4xx and write nothing", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}/exports`;
    const ok = { kind: "time_entries", format: "csv", from: "2026-10-01", to: "2026-10-31" };
    const cases: [string, unknown, number, string][] = [
      ["to before from", { ...ok, from: "2026-11-01" }, 400, "validation_failed"],
      ["more than 366 days", { ...ok, from: "2025-01-01" }, 400, "validation_failed"],
      ["outside the date window", { ...ok, from: "1999-12-01" }, 400, "validation_failed"],
      ["not a date", { ...ok, to: "2026-02-30" }, 400, "validation_failed"],
      ["unknown kind", { ...ok, kind: "everything" }, 400, "validation_failed"],
      ["unknown format", { ...ok, format: "docx" }, 400, "validation_failed"],
      ["unknown field", { ...ok, extra: 1 }, 400, "validation_failed"],
      ["preset on a non-payroll kind", { ...ok, preset: "gusto" }, 400, "validation_failed"],
      ["unknown preset", { ...ok, kind: "payroll", preset: "adp" }, 400, "validation_failed"],
      ["bad userId", { ...ok, userId: "nobody" }, 400, "validation_failed"],
      ["missing dates", { kind: "time_entries", format: "csv" }, 400, "validation_failed"],
      ["PDF of time entries", { ...ok, format: "pdf" }, 422, "format_not_supported"],
      ["PDF of payroll", { ...ok, kind: "payroll", format: "pdf" }, 422, "format_not_supported"],
      ["a member of no one", { ...ok, userId: "01JD3X7M2Q8J5V0K6Y4T9N1C2B" }, 404, "not_found"],
    ];
    const before = await snapshot(app.store);
    for (const [what, body, status, code] of cases) {
      const res = await admin.client.json("POST", base, body);
      assertApiError(res, status, code);
      assert.ok(res.status === status, what);
    }
    assertApiError(await admin.client.json("POST", base, "{not json"), 400);
    assertApiError(await admin.client.json("GET", `${base}/not-an-id`), 400, "validation_failed");
    assertApiError(
      await admin.client.json("GET", `${base}/01JD3X7M2Q8J5V0K6Y4T9N1C2B`),
      404,
      "not_found",
    );
    assertApiError(await admin.client.json("GET", `${base}?limit=1000`), 400, "validation_failed");
    assertSameSnapshot(before, await snapshot(app.store), "refused exports");
  });
});

Deno.test("plan gates: formats outside the plan and reports without customReports are 403", async () => {
  const plan = (p: string) => ({ config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: p }) });
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}/exports`;
    const range = { from: "2026-10-01", to: "2026-10-31" };
    const before = await snapshot(app.store);
    const xlsx = await admin.client.json("POST", base, {
      kind: "time_entries",
      format: "xlsx",
      ...range,
    });
    assertApiError(xlsx, 403, "feature_not_in_plan");
    assert.equal(xlsx.body.error.details.format, "xlsx");
    assert.equal(xlsx.body.error.details.upgradeTo, "team");
    const report = await admin.client.json("POST", base, {
      kind: "hours_report",
      format: "csv",
      ...range,
    });
    assertApiError(report, 403, "feature_not_in_plan");
    assert.equal(report.body.error.details.feature, "customReports");
    assertSameSnapshot(before, await snapshot(app.store), "refused by the plan");
    await createExport(admin.client, admin.orgId, {
      kind: "time_entries",
      format: "csv",
      ...range,
    });
  }, plan("free"));
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const pdf = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/exports`, {
      kind: "hours_report",
      format: "pdf",
      from: "2026-10-01",
      to: "2026-10-31",
    });
    assertApiError(pdf, 403, "feature_not_in_plan");
    assert.equal(pdf.body.error.details.format, "pdf");
    assert.equal(pdf.body.error.details.upgradeTo, "business");
  }, plan("team"));
});

Deno.test("an hours report export holds the report's figures", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    await addEntry(admin.client, admin.orgId, worker.userId, OCT28_0900, 8);
    await addEntry(admin.client, admin.orgId, worker.userId, OCT30_1000, 4.5);
    const range = { from: "2026-10-01", to: "2026-10-31" };
    const report = await admin.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/reports/hours?from=${range.from}&to=${range.to}`,
    );
    assert.equal(report.status, 200);
    const id = await createExport(admin.client, admin.orgId, {
      kind: "hours_report",
      format: "csv",
      ...range,
    });
    const res = await admin.client.request(
      "GET",
      `/api/v1/orgs/${admin.orgId}/exports/${id}/download`,
    );
    const lines = (await bytesText(res)).split("\r\n");
    assert.equal(
      lines[0],
      "Member,Worked (hours),Regular (hours),Overtime (hours),Double time (hours),PTO (hours),Gross pay",
    );
    const row = report.body.data.find((r: { userId: string }) => r.userId === worker.userId);
    assert.equal(row.workedSeconds, 12.5 * 3600);
    const name = (await admin.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/members/${worker.userId}`,
    )).body.name;
    assert.ok(lines.includes(`${name},12.50,12.50,0.00,0.00,0.00,0.00`), lines.join("\n"));
  });
});

Deno.test("API keys need exports:write to create and exports:read to read and download", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}/exports`;
    const key = async (scopes: string[]) => {
      const res = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/api-keys`, {
        name: scopes.join(" "),
        scopes,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { authorization: `Bearer ${res.body.key}` };
    };
    const reader = await key(["exports:read"]);
    const writer = await key(["exports:write"]);
    const anon = new Client(app);
    const body = { kind: "time_entries", format: "csv", from: "2026-10-01", to: "2026-10-31" };
    const refused = await anon.json("POST", base, body, reader);
    assertApiError(refused, 403, "insufficient_scope");
    assert.equal(refused.body.error.details.required, "exports:write");
    const made = await anon.json("POST", base, body, writer);
    assert.equal(made.status, 202, JSON.stringify(made.body));
    assertApiError(
      await anon.json("GET", `${base}/${made.body.id}`, undefined, writer),
      403,
      "insufficient_scope",
    );
    const got = await anon.json("GET", `${base}/${made.body.id}`, undefined, reader);
    assert.equal(got.status, 200);
    assert.equal(got.body.status, "done");
    const file = await anon.request("GET", `${base}/${made.body.id}/download`, undefined, reader);
    assert.equal(file.status, 200);
    assert.equal(await bytesText(file), HEADER);
  });
});

Deno.test("a download before the file is done is 409, after seven days 410", async () => {
  const transport = new HeldTransport();
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}/exports`;
    const id = await createExport(admin.client, admin.orgId, {
      kind: "time_entries",
      format: "csv",
      from: "2026-10-01",
      to: "2026-10-31",
    });
    const queued = await admin.client.json("GET", `${base}/${id}`);
    assert.equal(queued.body.status, "queued");
    assert.equal(queued.body.downloadUrl, null);
    const early = await admin.client.json("GET", `${base}/${id}/download`);
    assertApiError(early, 409, "export_not_ready");
    const handler = handlerOf(app, transport);
    for (const job of transport.take("run_export")) await handler(job);
    assert.equal((await admin.client.json("GET", `${base}/${id}`)).body.status, "done");
    app.clock.advance(7 * 24 * 3600 - 1);
    assert.equal((await admin.client.request("GET", `${base}/${id}/download`)).status, 200);
    app.clock.advance(1);
    assertApiError(await admin.client.json("GET", `${base}/${id}/download`), 410, "export_expired");
    assert.equal((await admin.client.json("GET", `${base}/${id}`)).body.downloadUrl, null);
  }, { jobs: transport });
});

Deno.test("a run after a crash starts over: stale chunks are deleted and the file is whole", async () => {
  const transport = new HeldTransport();
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    // Enough rows for several chunks.
    const note = "x".repeat(900);
    const day = Date.UTC(2026, 8, 1, 13, 0, 0);
    for (let i = 0; i < 200; i++) {
      await addEntry(admin.client, admin.orgId, worker.userId, day + i * 5 * HOUR, 1, note);
    }
    transport.take("send_mail");
    const id = await createExport(admin.client, admin.orgId, {
      kind: "time_entries",
      format: "csv",
      from: "2026-09-01",
      to: "2026-12-31",
    });
    const [job] = transport.take("run_export");
    // The crashed run: marked running, with garbage chunks (more than the file needs).
    const scope = (await app.store.scopeForJob(admin.orgId))!;
    const rec = await scope.getKey<ExportRecord>(exportKey(scope, id));
    const crashed = scope.atomic().set(exportKey(scope, id), {
      ...rec.value!,
      status: "running",
      progress: 0.5,
    });
    for (let n = 0; n < 12; n++) crashed.set(chunkKey(scope, id, n), new Uint8Array(10).fill(7));
    await crashed.commit();
    const handler = handlerOf(app, transport);
    await handler(job);
    const done = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/exports/${id}`);
    assert.equal(done.body.status, "done");
    assert.equal(done.body.rowCount, 200);
    const text = await bytesText(
      await admin.client.request("GET", `/api/v1/orgs/${admin.orgId}/exports/${id}/download`),
    );
    const lines = text.split("\r\n");
    assert.equal(lines.length, 202);
    assert.equal(lines[0] + "\r\n", HEADER);
    assert.ok(lines.slice(1, 201).every((l) => l.includes(note)));
    const stored = (await scope.getKey<ExportRecord>(exportKey(scope, id))).value!;
    assert.equal(stored.byteSize, new TextEncoder().encode(text).length);
    assert.equal(stored.chunkCount, Math.ceil(stored.byteSize! / CHUNK_BYTES));
    assert.ok(stored.chunkCount! > 2 && stored.chunkCount! < 12);
    const left = [];
    for await (const e of scope.list(scope.key("export_chunk", id))) left.push(e.key);
    assert.equal(left.length, stored.chunkCount, "no stale chunk is left behind");
    // A second delivery of the finished job changes nothing.
    const before = await snapshot(app.store);
    await handler(job);
    assertSameSnapshot(before, await snapshot(app.store), "a redelivered job");
  }, { jobs: transport });
});

Deno.test("an export whose requester left before it ran fails with a message", async () => {
  const transport = new HeldTransport();
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const id = await createExport(worker.client, admin.orgId, {
      kind: "time_entries",
      format: "csv",
      from: "2026-10-01",
      to: "2026-10-31",
    });
    const gone = await admin.client.json(
      "PATCH",
      `/api/v1/orgs/${admin.orgId}/members/${worker.userId}`,
      { active: false },
    );
    assert.equal(gone.status, 200, JSON.stringify(gone.body));
    const handler = handlerOf(app, transport);
    for (const job of transport.take("run_export")) await handler(job);
    const got = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/exports/${id}`);
    assert.equal(got.body.status, "failed");
    assert.match(got.body.error, /no longer a member/);
    assertApiError(
      await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/exports/${id}/download`),
      409,
      "export_not_ready",
    );
  }, { jobs: transport });
});
