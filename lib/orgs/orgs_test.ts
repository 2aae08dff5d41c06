/** Specification of organization slugs and time zone names. */

import assert from "node:assert/strict";
import { isTimeZone, slugify } from "./orgs.ts";

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const SLUGS: [string, string][] = [
  ["Acme", "acme"],
  ["Acme Corp.", "acme-corp"],
  ["  Joe's   Pizza & Pasta  ", "joe-s-pizza-pasta"],
  ["--Hello--World--", "hello-world"],
  ["Café Zürich", "cafe-zurich"],
  ["Ångström Øl", "angstrom-l"],
  ["ＡＣＭＥ １２３", "acme-123"],
  ["2nd Shift", "2nd-shift"],
  ["日本の会社", "org"],
  ["!!!", "org"],
  ["", "org"],
  ["a".repeat(60), "a".repeat(40)],
  ["a".repeat(39) + " bcd", "a".repeat(39)],
  ["x".repeat(38) + " y z", "x".repeat(38) + "-y"],
];

for (const [name, slug] of SLUGS) {
  Deno.test(`slugify(${JSON.stringify(name.length > 30 ? name.slice(0, 27) + "…" : name)}) is "${slug}"`, () => {
    assert.equal(slugify(name), slug);
  });
}

Deno.test("every slug is lower-case ASCII with single inner dashes, at most 40 characters", () => {
  const names = [
    ...SLUGS.map(([n]) => n),
    "a-".repeat(30),
    "A  B  C",
    "-".repeat(50),
    "é".repeat(50),
    "a b".repeat(20),
    "Überstunden GmbH & Co. KG",
  ];
  for (const name of names) {
    const s = slugify(name);
    assert.match(s, SLUG, name);
    assert.ok(s.length <= 40, name);
  }
});

Deno.test("slugify is stable: a slug slugifies to itself", () => {
  for (const [name] of SLUGS) assert.equal(slugify(slugify(name)), slugify(name));
});

Deno.test("isTimeZone accepts IANA names and refuses others", () => {
  for (const tz of ["America/New_York", "Europe/Berlin", "UTC", "Asia/Kolkata"]) {
    assert.equal(isTimeZone(tz), true, tz);
  }
  for (
    const tz of ["Mars/Olympus_Mons", "", "America/New York", "x".repeat(100), "+05:30", "UTC+2"]
  ) {
    assert.equal(isTimeZone(tz), false, tz);
  }
});
