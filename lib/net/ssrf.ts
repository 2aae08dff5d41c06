/**
 * The guard on every URL a tenant supplies (webhook endpoints, Slack incoming webhooks): the
 * server must never be made to call itself, its private network or a cloud metadata service.
 *
 * A URL is allowed when it is `https`, has no credentials, and every address its host resolves
 * to is public: not loopback, private (RFC 1918, ULA), link-local, CGNAT (100.64/10), multicast,
 * unspecified, reserved or documentation ranges, the cloud metadata addresses
 * (`169.254.169.254`, `fd00:ec2::254`), nor an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 form
 * of any of those. Callers check at creation and again right before every request, so a host
 * that later resolves to a private address (DNS rebinding) is refused then.
 *
 * `allowPrivate` (the `ALLOW_PRIVATE_WEBHOOKS=true` setting, for development and tests) lifts
 * the address rule and admits `http`.
 *
 * @module
 */

/** Resolves a host name to its addresses (A and AAAA). */
export type Resolver = (host: string) => Promise<string[]>;

/** Why a URL was refused (`null`: allowed). */
export type UrlRefusal =
  | "invalid_url"
  | "scheme_not_allowed"
  | "credentials_not_allowed"
  | "unresolvable"
  | "address_not_allowed";

/** How outbound requests to tenant URLs are checked. */
export interface OutboundPolicy {
  /** Lift the address rule and admit `http` (development and tests only). */
  allowPrivate: boolean;
  /** Name resolution (default: `Deno.resolveDns`). */
  resolve?: Resolver;
}

/** The outcome of {@linkcode checkOutboundUrl}. */
export type UrlCheck =
  | { ok: true; url: URL; addresses: string[] }
  | { ok: false; reason: UrlRefusal; message: string };

/** `Deno.resolveDns` for A and AAAA records; an unknown name resolves to no address. */
export const resolveWithDns: Resolver = async (host) => {
  const out: string[] = [];
  for (const type of ["A", "AAAA"] as const) {
    try {
      out.push(...await Deno.resolveDns(host, type));
    } catch {
      // NXDOMAIN or no record of this type.
    }
  }
  return out;
};

/**
 * Check `raw` against the policy. Never throws; the caller turns a refusal into its own error
 * (422 `webhook_url_not_allowed` for webhooks).
 *
 * @example
 * ```ts
 * const check = await checkOutboundUrl("https://hooks.example.com/x", { allowPrivate: false });
 * if (!check.ok) throw new DomainError("unprocessable", "webhook_url_not_allowed", check.message);
 * ```
 */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("invalid_url", "Not a valid URL");
  }
  const schemes = policy.allowPrivate ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol)) {
    return refuse("scheme_not_allowed", "Only https:// URLs are allowed");
  }
  if (url.username || url.password) {
    return refuse("credentials_not_allowed", "URLs with a user name or password are not allowed");
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (parseIPv4(host) !== null || host.includes(":")) addresses = [host];
  else {
    if (!policy.allowPrivate && /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host)) {
      return refuse("address_not_allowed", `${host} is a private host name`);
    }
    addresses = await (policy.resolve ?? resolveWithDns)(host);
    if (addresses.length === 0) return refuse("unresolvable", `${host} does not resolve`);
  }
  if (!policy.allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a));
    if (bad !== undefined) {
      return refuse("address_not_allowed", `${host} resolves to a non-public address (${bad})`);
    }
  }
  return { ok: true, url, addresses };
}

function refuse(reason: UrlRefusal, message: string): UrlCheck {
  return { ok: false, reason, message };
}

/** True when `address` (IPv4 or IPv6 text) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4 !== null) return isPublicV4(v4);
  const v6 = parseIPv6(address);
  if (v6 === null) return false;
  return isPublicV6(v6);
}

/** Blocked IPv4 ranges as [network, prefix length]. */
const BLOCKED_V4: [number, number][] = [
  [0x00000000, 8], // "this network", unspecified
  [0x0a000000, 8], // private
  [0x64400000, 10], // CGNAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, incl. 169.254.169.254 (cloud metadata)
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // TEST-NET-1
  [0xc0586300, 24], // 6to4 relay anycast
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xc6336400, 24], // TEST-NET-2
  [0xcb007100, 24], // TEST-NET-3
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved, broadcast
];

function inRange(ip: number, net: number, bits: number): boolean {
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((ip & mask) >>> 0) === ((net & mask) >>> 0);
}

function isPublicV4(ip: number): boolean {
  return !BLOCKED_V4.some(([net, bits]) => inRange(ip, net, bits));
}

/** Dotted-quad IPv4 (only the canonical four-part decimal form) → uint32, else null. */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let out = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out = out * 256 + n;
  }
  return out >>> 0;
}

/** IPv6 text (with `::` and an optional embedded IPv4 tail, no zone) → 8 16-bit groups. */
export function parseIPv6(text: string): number[] | null {
  let s = text.toLowerCase();
  if (s.includes("%")) s = s.slice(0, s.indexOf("%"));
  if (!/^[0-9a-f:.]+$/.test(s) || !s.includes(":")) return null;
  const tail: number[] = [];
  if (s.includes(".")) {
    const cut = s.lastIndexOf(":");
    const v4 = parseIPv4(s.slice(cut + 1));
    if (v4 === null) return null;
    tail.push(v4 >>> 16, v4 & 0xffff);
    s = s.slice(0, cut + 1);
    // "::ffff:" → "::ffff", "::" stays "::"
    if (s.endsWith(":") && !s.endsWith("::")) s = s.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => h === "" ? [] : h.split(":");
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const want = 8 - tail.length;
  const fill = halves.length === 2 ? want - head.length - rest.length : 0;
  if (halves.length === 2 ? fill < 1 : head.length !== want) return null;
  const out: number[] = [];
  for (const g of [...head, ...Array<string>(fill).fill("0"), ...rest]) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  out.push(...tail);
  return out.length === 8 ? out : null;
}

function isPublicV6(g: number[]): boolean {
  const allZeroBefore = (n: number) => g.slice(0, n).every((x) => x === 0);
  const v4Of = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;
  // ::, ::1
  if (allZeroBefore(7) && (g[7] === 0 || g[7] === 1)) return false;
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64)
  if (allZeroBefore(5) && g[5] === 0xffff) return isPublicV4(v4Of(g[6], g[7]));
  if (allZeroBefore(6)) return isPublicV4(v4Of(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return isPublicV4(v4Of(g[6], g[7]));
  }
  // 2002::/16 6to4 carries an IPv4 address in groups 1–2.
  if (g[0] === 0x2002) return isPublicV4(v4Of(g[1], g[2]));
  if ((g[0] & 0xfe00) === 0xfc00) return false; // unique local fc00::/7 (incl. fd00:ec2::254)
  if ((g[0] & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return false; // site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return false; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return false; // discard-only
  // Only global unicast 2000::/3 is public.
  return (g[0] & 0xe000) === 0x2000;
}

/** How the server calls tenant-supplied URLs: the policy checked before each call, and fetch. */
export interface Outbound {
  policy: OutboundPolicy;
  /** `fetch` (tests pass one whose client trusts their loopback TLS server). */
  fetch: typeof fetch;
}
