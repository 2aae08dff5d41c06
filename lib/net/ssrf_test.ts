import assert from "node:assert/strict";
import { checkOutboundUrl, isPublicAddress, parseIPv6 } from "./ssrf.ts";

Deno.test("addresses: public ones pass, every blocked range is refused", () => {
  for (const ok of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001::200e"]) {
    assert(isPublicAddress(ok), ok);
  }
  for (
    const bad of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "169.254.1.1",
      "100.64.0.1",
      "100.127.255.254",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "fd00:ec2::254",
      "fc00::1",
      "fe80::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:169.254.169.254",
      "::ffff:7f00:1",
      "::127.0.0.1",
      "64:ff9b::10.0.0.1",
      "2002:7f00:1::",
      "2001:db8::1",
      "not-an-ip",
    ]
  ) {
    assert(!isPublicAddress(bad), bad);
  }
});

Deno.test("IPv6 parsing handles :: and embedded IPv4 tails", () => {
  assert.deepEqual(parseIPv6("::1"), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(parseIPv6("::ffff:1.2.3.4"), [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
  assert.deepEqual(parseIPv6("fd00:ec2::254"), [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
  assert.deepEqual(parseIPv6("1:2:3:4:5:6:7:8"), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(parseIPv6("1::2::3"), null);
  assert.deepEqual(parseIPv6("1:2:3"), null);
});

Deno.test("URLs: https only, no credentials, every resolved address public", async () => {
  const resolve = (host: string) =>
    Promise.resolve(
      ({
        "good.example": ["93.184.216.34"],
        "rebind.example": ["93.184.216.34", "10.0.0.5"],
      } as Record<string, string[]>)[host] ?? [],
    );
  const policy = { allowPrivate: false, resolve };
  assert((await checkOutboundUrl("https://good.example/hook", policy)).ok);
  const refusals: [string, string][] = [
    ["http://good.example/hook", "scheme_not_allowed"],
    ["ftp://good.example/", "scheme_not_allowed"],
    ["https://user:pw@good.example/", "credentials_not_allowed"],
    ["https://rebind.example/", "address_not_allowed"],
    ["https://nowhere.example/", "unresolvable"],
    ["https://127.0.0.1/", "address_not_allowed"],
    ["https://[::ffff:169.254.169.254]/", "address_not_allowed"],
    ["https://[fd00:ec2::254]/", "address_not_allowed"],
    ["https://localhost/", "address_not_allowed"],
    ["https://2130706433/", "address_not_allowed"],
    ["not a url", "invalid_url"],
  ];
  for (const [url, reason] of refusals) {
    const check = await checkOutboundUrl(url, policy);
    assert.deepEqual(check.ok ? "ok" : check.reason, reason, url);
  }
  const dev = await checkOutboundUrl("http://127.0.0.1:9000/x", { allowPrivate: true, resolve });
  assert(dev.ok);
});
