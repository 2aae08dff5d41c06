/**
 * Branding over HTTP: the accent colour (contrast refusals, the plan gate, admins only), the
 * logo (checked by its bytes, stored in chunks, served publicly with its headers, replaced and
 * removed; refusals store nothing), tenancy, and branding where it shows: pages, mails and PDF
 * exports.
 */

import assert from "node:assert/strict";
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, snapshot, tenantPart, withApp } from "./support.ts";
import { loadConfig } from "../../config.ts";
import { GIF, JPEG, PNG, SVG, WEBP } from "../fixtures/images.ts";
import { logoChunkKeys, logoPath, pngOfSize, sendBytes } from "./branding_support.ts";
import { createExport } from "./exports_support.ts";
import type { KvMailbox } from "../../lib/mail/mail.ts";

const settingsPath = (orgId: string) => `/api/v1/orgs/${orgId}/settings`;
const plan = (p: string) => ({ config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: p }) });

Deno.test("accent colour: below 4.5:1 against white is 422 insufficient_contrast with the ratio; nothing changes", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const before = await snapshot(app.store);
    for (
      const [color, ratio] of [
        ["#777777", 4.47],
        ["#ff0000", 3.99],
        ["#FFFFFF", 1],
        ["#808080", 3.94],
      ] as const
    ) {
      const res = await admin.client.json("PATCH", settingsPath(admin.orgId), {
        branding: { accentColor: color },
      });
      assertApiError(res, 422, "insufficient_contrast");
      assert.deepEqual(res.body.error.details, { ratio, required: 4.5 }, color);
    }
    for (const bad of ["#fff", "0f766e", "#0f766g", "teal", 12]) {
      const res = await admin.client.json("PATCH", settingsPath(admin.orgId), {
        branding: { accentColor: bad },
      });
      assertApiError(res, 400, "validation_failed");
    }
    const extra = await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: "#0f766e", logo: "x" },
    });
    assertApiError(extra, 400, "validation_failed");
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("accent colour: 4.5:1 and above is stored lower-case; null clears it; settings show it", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const initial = await admin.client.json("GET", settingsPath(admin.orgId));
    assert.deepEqual(initial.body.branding, { accentColor: null }, "no accent colour by default");
    const ok = await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: "#767676" }, // 4.54:1, the lightest grey that passes
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.branding, { accentColor: "#767676" });
    const upper = await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: "#0F766E" },
    });
    assert.equal(upper.body.branding.accentColor, "#0f766e");
    const view = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/branding`);
    assert.equal(view.status, 200);
    assert.equal(view.body.accentColor, "#0f766e");
    assert.equal(view.body.contrast, 5.47);
    assert.equal(view.body.requiredContrast, 4.5);
    const cleared = await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: null },
    });
    assert.deepEqual(cleared.body.branding, { accentColor: null });
  });
});

Deno.test("branding needs the plan: on Team, colour, logo and domain are 403 feature_not_in_plan; clearing is not", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const before = await snapshot(app.store);
    const colour = await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: "#0f766e" },
    });
    assertApiError(colour, 403, "feature_not_in_plan");
    assert.equal(colour.body.error.details.feature, "branding");
    assert.equal(colour.body.error.details.upgradeTo, "business");
    assertApiError(
      await sendBytes(admin.client, "PUT", logoPath(admin.orgId), PNG, "image/png"),
      403,
      "feature_not_in_plan",
    );
    assertApiError(
      await admin.client.json("PUT", `/api/v1/orgs/${admin.orgId}/branding/domain`, {
        domain: "hours.acme.example",
      }),
      403,
      "feature_not_in_plan",
    );
    assertSameSnapshot(before, await snapshot(app.store));
    // Unchanged values (the settings page posts every section) and removals pass.
    const same = await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: null },
    });
    assert.equal(same.status, 200);
    const remove = await admin.client.request("DELETE", logoPath(admin.orgId));
    assert.equal(remove.status, 204);
    const view = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/branding`);
    assert.equal(view.body.featureEnabled, false);
  }, plan("team"));
});

Deno.test("branding: admins only — managers and employees get 403; a key needs settings:write", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const before = await snapshot(app.store);
    for (const who of [manager, employee]) {
      assertSameSnapshot(before, await snapshot(app.store), "before each role");
      assertApiError(
        await who.client.json("PATCH", settingsPath(admin.orgId), {
          branding: { accentColor: "#0f766e" },
        }),
        403,
        "forbidden",
      );
      assertApiError(
        await sendBytes(who.client, "PUT", logoPath(admin.orgId), PNG, "image/png"),
        403,
        "forbidden",
      );
      assertApiError(await who.client.json("DELETE", logoPath(admin.orgId)), 403, "forbidden");
      assertApiError(
        await who.client.json("PUT", `/api/v1/orgs/${admin.orgId}/branding/domain`, {
          domain: "hours.acme.example",
        }),
        403,
        "forbidden",
      );
      assertApiError(
        await who.client.json("GET", `/api/v1/orgs/${admin.orgId}/branding`),
        403,
        "forbidden",
      );
    }
    const minted = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/api-keys`, {
      name: "Reader",
      scopes: ["settings:read"],
    });
    assert.equal(minted.status, 201);
    // The key's use is recorded (`lastUsedAt`), not a change of the organization's data.
    const withoutKeys = async () =>
      new Map([...await snapshot(app.store)].filter(([k]) => !k.includes('"api_key"')));
    const before2 = await withoutKeys();
    const keyed = await sendBytes(
      new Client(app),
      "PUT",
      logoPath(admin.orgId),
      PNG,
      "image/png",
      { authorization: `Bearer ${minted.body.key}` },
    );
    assertApiError(keyed, 403, "insufficient_scope");
    assertSameSnapshot(before2, await withoutKeys());
  });
});

Deno.test("logo: checked by its bytes — wrong, unknown, SVG, truncated and 257 KB are refused; nothing is stored", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const before = await snapshot(app.store);
    const cases: [string, Uint8Array, string | null, number, string, string | null][] = [
      ["a PNG declared as JPEG", PNG, "image/jpeg", 422, "unsupported_image", "type_mismatch"],
      ["a JPEG declared as WebP", JPEG, "image/webp", 422, "unsupported_image", "type_mismatch"],
      ["a GIF", GIF, "image/gif", 422, "unsupported_image", "type_not_accepted"],
      ["a GIF declared as PNG", GIF, "image/png", 422, "unsupported_image", "type_mismatch"],
      ["an SVG", SVG, "image/svg+xml", 422, "unsupported_image", "type_not_accepted"],
      ["an SVG declared as PNG", SVG, "image/png", 422, "unsupported_image", "type_mismatch"],
      ["no content type", PNG, null, 422, "unsupported_image", "type_not_accepted"],
      [
        "a truncated PNG",
        PNG.subarray(0, PNG.length - 20),
        "image/png",
        422,
        "unsupported_image",
        "malformed",
      ],
      [
        "a PNG without its end",
        PNG.subarray(0, PNG.length - 12),
        "image/png",
        422,
        "unsupported_image",
        "malformed",
      ],
      [
        "a truncated JPEG",
        JPEG.subarray(0, 400),
        "image/jpeg",
        422,
        "unsupported_image",
        "malformed",
      ],
      [
        "a truncated WebP",
        WEBP.subarray(0, 300),
        "image/webp",
        422,
        "unsupported_image",
        "malformed",
      ],
      ["an empty body", new Uint8Array(0), "image/png", 422, "unsupported_image", "type_mismatch"],
      ["257 KB", pngOfSize(257 * 1024), "image/png", 413, "payload_too_large", null],
    ];
    for (const [label, bytes, type, status, code, reason] of cases) {
      const res = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), bytes, type);
      assertApiError(res, status, code);
      if (reason) assert.equal(res.body.error.details.reason, reason, label);
    }
    // A flipped byte inside a PNG chunk breaks its CRC.
    const flipped = PNG.slice();
    flipped[40] ^= 0xff;
    const crc = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), flipped, "image/png");
    assertApiError(crc, 422, "unsupported_image");
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("logo: PNG, JPEG and WebP are stored in < 64 KiB chunks and served publicly with their headers; replaced and removed", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    // 256 KiB exactly is accepted, in five chunks.
    const big = pngOfSize(256 * 1024);
    const up = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), big, "image/png");
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.deepEqual(Object.keys(up.body), ["logoUrl"]);
    assert.match(up.body.logoUrl, new RegExp(`^/branding/${admin.orgId}/logo/[0-9a-z]{26}$`));
    const chunks = await logoChunkKeys(app, admin.orgId);
    assert.equal(chunks.length, 5);
    for await (const e of app.store.listAll()) {
      if (e.key[2] === "branding_logo_chunk") {
        assert.ok((e.value as Uint8Array).length < 64 * 1024, "each chunk fits a KV value");
      }
    }

    // Served to anyone (no cookie), byte for byte, cacheable and inert.
    const anon = new Client(app);
    const served = await anon.request("GET", up.body.logoUrl);
    assert.equal(served.status, 200);
    assert.deepEqual(new Uint8Array(await served.arrayBuffer()), big);
    assert.equal(served.headers.get("content-type"), "image/png");
    assert.equal(served.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(served.headers.get("x-content-type-options"), "nosniff");
    assert.equal(served.headers.get("content-security-policy"), "default-src 'none'");
    assert.equal(served.headers.get("set-cookie"), null);
    const etag = served.headers.get("etag")!;
    assert.match(etag, /^"[0-9a-f]{64}"$/);
    const again = await anon.request("GET", up.body.logoUrl, undefined, { "if-none-match": etag });
    assert.equal(again.status, 304);
    await again.body?.cancel();

    // Replaced: the new version is served, the old URL and chunks are gone.
    for (const [bytes, type] of [[JPEG, "image/jpeg"], [WEBP, "image/webp"]] as const) {
      const prev = (await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/branding`)).body
        .logoUrl;
      const next = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), bytes, type);
      assert.equal(next.status, 200, JSON.stringify(next.body));
      assert.notEqual(next.body.logoUrl, prev);
      const old = await anon.request("GET", prev);
      assert.equal(old.status, 404);
      await old.body?.cancel();
      const now = await anon.request("GET", next.body.logoUrl);
      assert.equal(now.headers.get("content-type"), type);
      assert.deepEqual(new Uint8Array(await now.arrayBuffer()), bytes);
      assert.equal((await logoChunkKeys(app, admin.orgId)).length, 1, "only the new version");
    }

    // Removed: 204, nothing left, the URL is gone; removing again is fine.
    const last = (await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/branding`)).body
      .logoUrl;
    assert.equal((await admin.client.request("DELETE", logoPath(admin.orgId))).status, 204);
    assert.equal((await admin.client.request("DELETE", logoPath(admin.orgId))).status, 204);
    assert.deepEqual(await logoChunkKeys(app, admin.orgId), []);
    const gone = await anon.request("GET", last);
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    const view = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/branding`);
    assert.equal(view.body.logoUrl, null);

    // Every change is audited without the image.
    const actions: string[] = [];
    for await (const e of app.store.listAll()) {
      const v = e.value as { action?: string; after?: unknown };
      if (e.key[2] === "audit" && v.action?.startsWith("branding.")) {
        actions.push(v.action);
        assert.ok(JSON.stringify(v).length < 2000, "no image bytes in the audit trail");
      }
    }
    assert.deepEqual(actions, [
      "branding.logo_set",
      "branding.logo_set",
      "branding.logo_set",
      "branding.logo_removed",
    ]);
  });
});

Deno.test("logo tenancy: another organization's admin cannot touch it; a logo URL with another org id is 404", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const b = await signUpOrg(app);
    const up = await sendBytes(a.client, "PUT", logoPath(a.orgId), PNG, "image/png");
    assert.equal(up.status, 200);
    const before = tenantPart(await snapshot(app.store), a.orgId);
    assertApiError(await sendBytes(b.client, "PUT", logoPath(a.orgId), JPEG, "image/jpeg"), 404);
    assertApiError(await b.client.json("DELETE", logoPath(a.orgId)), 404);
    assertApiError(await b.client.json("GET", `/api/v1/orgs/${a.orgId}/branding`), 404);
    assertSameSnapshot(before, tenantPart(await snapshot(app.store), a.orgId), "A's data");
    const version = up.body.logoUrl.split("/").at(-1);
    for (const path of [`/branding/${b.orgId}/logo/${version}`, `/branding/nope/logo/${version}`]) {
      const res = await new Client(app).request("GET", path);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
  });
});

Deno.test("branding shows on the organization's pages: logo in the header, the accent stylesheet; not without the plan", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Acme <Works> & Co");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const before = await (await employee.client.request("GET", `/o/${admin.orgId}/clock`)).text();
    assert.ok(!before.includes("org-logo"), "no logo before one is set");
    assert.ok(!before.includes("/branding/accent/"));
    await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: "#1d4ed8" },
    });
    const up = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), PNG, "image/png");
    const html = await (await employee.client.request("GET", `/o/${admin.orgId}/clock`)).text();
    assert.ok(html.includes(`src="${up.body.logoUrl}"`), "the logo in the header");
    assert.ok(html.includes(`alt="Acme &lt;Works> &amp; Co logo"`), "named, escaped");
    assert.ok(html.includes(`href="/branding/accent/1d4ed8.css"`), "the accent stylesheet");
    assert.ok(html.includes(`<meta name="theme-color" content="#1d4ed8"/>`));
    const css = await new Client(app).request("GET", "/branding/accent/1d4ed8.css");
    assert.equal(css.status, 200);
    assert.match(css.headers.get("content-type")!, /^text\/css/);
    assert.equal(css.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(await css.text(), /--accent: #1d4ed8;/);
    for (const bad of ["/branding/accent/1D4ED8.css", "/branding/accent/zzzzzz.css"]) {
      const res = await new Client(app).request("GET", bad);
      assert.equal(res.status, 404, bad);
      await res.body?.cancel();
    }
    // Switched off by an admin: the pages are plain again.
    const settings = await admin.client.json("GET", settingsPath(admin.orgId));
    await admin.client.json("PATCH", settingsPath(admin.orgId), {
      disabledFeatures: [...settings.body.disabledFeatures, "branding"],
    });
    const off = await (await employee.client.request("GET", `/o/${admin.orgId}/clock`)).text();
    assert.ok(!off.includes("org-logo") && !off.includes("/branding/accent/"));
  });
});

Deno.test("an organization's mail gets an HTML part with its logo and accent header, everything escaped; the text part stays", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, `Acme "<b>Works</b>" & Co`);
    await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: "#7c2d12" },
    });
    const up = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), PNG, "image/png");
    const email = `nia-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const inv = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/invitations`, {
      email,
      name: "Nia <script>alert(1)</script>",
    });
    assert.equal(inv.status, 201, JSON.stringify(inv.body));
    const mails = await (app.deps.mailer as KvMailbox).list();
    const mail = mails.find((m) => m.to === email);
    assert.ok(mail, "the invitation was mailed");
    assert.ok(mail.text.length > 0 && !mail.text.includes("<table"), "the text part is text");
    const html = mail.html!;
    assert.ok(html, "an HTML part");
    assert.ok(html.includes(`src="http://localhost:8000${up.body.logoUrl}"`), "the logo, absolute");
    assert.ok(html.includes(`background:#7c2d12`), "the accent header");
    assert.ok(html.includes("Acme &quot;&lt;b&gt;Works&lt;/b&gt;&quot; &amp; Co"), "name escaped");
    assert.ok(!html.includes("<b>Works"), "no markup from the name");
    assert.ok(!/<script/i.test(html), "no script from any text");
    // Mail of no organization (sign-up verification) stays text only.
    const signup = mails.find((m) => m.to === admin.email);
    if (signup) assert.equal(signup.html, undefined);
  });
});

/** The decoded content streams of page `index`, as Latin-1 text. */
function pageContent(pdf: PDFDocument, index: number): string {
  const contents = pdf.getPage(index).node.Contents();
  const streams = contents instanceof PDFArray
    ? contents.asArray().map((ref) => pdf.context.lookup(ref))
    : [contents];
  let text = "";
  for (const s of streams) {
    assert.ok(s instanceof PDFRawStream);
    text += Array.from(decodePDFRawStream(s).decode(), (b) => String.fromCharCode(b)).join("");
  }
  return text;
}

/** The image XObjects of page `index`. */
function pageImages(pdf: PDFDocument, index: number): PDFRawStream[] {
  const resources = pdf.getPage(index).node.Resources();
  const xobjects = resources?.lookupMaybe(PDFName.of("XObject"), PDFDict);
  if (!xobjects) return [];
  return xobjects.keys().map((k) => xobjects.lookup(k)).filter((o): o is PDFRawStream =>
    o instanceof PDFRawStream &&
    o.dict.get(PDFName.of("Subtype"))?.toString() === "/Image"
  );
}

Deno.test("PDF exports carry the logo (an image XObject on every page) and the accent band", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const exportPdf = async () => {
      const id = await createExport(admin.client, admin.orgId, {
        kind: "hours_report",
        format: "pdf",
        from: "2026-10-01",
        to: "2026-10-31",
      });
      const meta = await admin.client.json("GET", `${base}/exports/${id}`);
      assert.equal(meta.body.status, "done", JSON.stringify(meta.body));
      const res = await admin.client.request("GET", `${base}/exports/${id}/download`);
      return await PDFDocument.load(new Uint8Array(await res.arrayBuffer()));
    };
    const plain = await exportPdf();
    assert.equal(pageImages(plain, 0).length, 0, "no image without a logo");

    await admin.client.json("PATCH", settingsPath(admin.orgId), {
      branding: { accentColor: "#7c2d12" },
    });
    for (
      const [bytes, type, width] of [[PNG, "image/png", 16], [JPEG, "image/jpeg", 16]] as const
    ) {
      const up = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), bytes, type);
      assert.equal(up.status, 200);
      const pdf = await exportPdf();
      for (let i = 0; i < pdf.getPageCount(); i++) {
        const images = pageImages(pdf, i);
        assert.equal(images.length, 1, `${type}: one image on page ${i + 1}`);
        assert.equal(images[0].dict.get(PDFName.of("Width"))?.toString(), String(width));
      }
      const content = pageContent(pdf, 0);
      // The accent band: #7c2d12 as a fill colour (0.486 0.176 0.071 rg).
      assert.match(content, /0\.48\d+ 0\.17\d+ 0\.07\d+ rg/, "the accent colour is drawn");
    }
    // WebP cannot be embedded by pdf-lib: the export still succeeds, without the image.
    await sendBytes(admin.client, "PUT", logoPath(admin.orgId), WEBP, "image/webp");
    const webp = await exportPdf();
    assert.equal(pageImages(webp, 0).length, 0);
  });
});
