/** Branded mail: escaping, links, and when an HTML part is (not) added. */

import assert from "node:assert/strict";
import { brandMail, escapeHtml, textToHtml } from "./mail.ts";
import { NO_BRANDING } from "./branding.ts";

const MAIL = {
  to: "a@example.com",
  subject: "Hi <there>",
  text: "Open https://x.example/a?b=1&c=2 now <b>",
};

Deno.test("escapeHtml escapes the five characters that matter", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
});

Deno.test("text becomes escaped HTML with http(s) links; other schemes stay text", () => {
  assert.equal(
    textToHtml("see https://a.example/?q=<x>&y and javascript:alert(1)"),
    'see <a href="https://a.example/?q=" style="color:inherit">https://a.example/?q=</a>' +
      "&lt;x&gt;&amp;y and javascript:alert(1)",
  );
});

Deno.test("a branded mail gets an HTML part with the logo and accent; unbranded and HTML mail are unchanged", () => {
  const branded = brandMail(MAIL, {
    orgName: `Acme "&" <Co>`,
    branding: { accentColor: "#7c2d12", logoUrl: "/branding/O1/logo/v1" },
  }, "https://app.example.com");
  assert.equal(branded.text, MAIL.text);
  const html = branded.html!;
  assert.ok(html.includes('src="https://app.example.com/branding/O1/logo/v1"'));
  assert.ok(html.includes("background:#7c2d12"));
  assert.ok(html.includes("Acme &quot;&amp;&quot; &lt;Co&gt;"));
  assert.ok(html.includes("<title>Hi &lt;there&gt;</title>"));
  assert.ok(html.includes('<a href="https://x.example/a?b=1&amp;c=2"'));
  assert.ok(html.includes("now &lt;b&gt;"));
  // A logo without a colour: ClockFlow's teal header.
  const logoOnly = brandMail(MAIL, {
    orgName: "A",
    branding: { accentColor: null, logoUrl: "/branding/O1/logo/v1" },
  }, "https://app.example.com");
  assert.ok(logoOnly.html!.includes("background:#0f766e"));
  assert.equal(brandMail(MAIL, { orgName: "A", branding: NO_BRANDING }, "https://x"), MAIL);
  const withHtml = { ...MAIL, html: "<p>own</p>" };
  assert.equal(
    brandMail(
      withHtml,
      { orgName: "A", branding: { accentColor: "#000000", logoUrl: null } },
      "https://x",
    ),
    withHtml,
  );
});
