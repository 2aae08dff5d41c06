/** Custom domain names and the `DNS_NAMESERVER` setting. */

import assert from "node:assert/strict";
import { domainProblem } from "./domain_name.ts";
import { parseNameServer } from "./dns.ts";

Deno.test("domain names: host names of two or more labels pass; addresses and localhost do not", () => {
  for (
    const ok of [
      "hours.acme.example",
      "a.co",
      "xn--bcher-kva.example",
      "1.2.3.example",
      "a-b.c-d.io",
    ]
  ) {
    assert.equal(domainProblem(ok), null, ok);
  }
  for (
    const bad of [
      "",
      "example",
      "localhost",
      "x.localhost",
      "10.0.0.1",
      "1.2.3.4",
      "::1",
      "[::1]",
      "-a.example",
      "a-.example",
      "a..example",
      ".example",
      "example.",
      "Hours.example",
      "a_b.example",
      `${"a".repeat(64)}.example`,
      `${"a.".repeat(127)}example`,
    ]
  ) {
    assert.notEqual(domainProblem(bad), null, bad);
  }
});

Deno.test("DNS_NAMESERVER: an IP address with an optional port", () => {
  assert.deepEqual(parseNameServer("127.0.0.1:5353"), { ipAddr: "127.0.0.1", port: 5353 });
  assert.deepEqual(parseNameServer("9.9.9.9"), { ipAddr: "9.9.9.9", port: 53 });
  assert.deepEqual(parseNameServer("[::1]:53"), { ipAddr: "::1", port: 53 });
  for (
    const bad of ["dns.example:53", "127.0.0.1:0", "127.0.0.1:70000", "256.1.1.1", "::1:53", ""]
  ) {
    assert.equal(parseNameServer(bad), null, bad);
  }
});
