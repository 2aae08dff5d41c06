/**
 * TXT lookups for custom domain verification, through `Deno.resolveDns`. The name server is
 * the system's, or `DNS_NAMESERVER` (`host:port`, an IP address) — tests point it at a loopback
 * responder (`tests/fakes/dns.ts`).
 *
 * @module
 */

/** Looks up the TXT records of a name: each record's strings joined; none → `[]`. */
export type TxtResolver = (name: string) => Promise<string[]>;

/** A name server to ask instead of the system's. */
export interface NameServer {
  ipAddr: string;
  port: number;
}

/** How long a lookup may take. */
const TIMEOUT_MS = 5_000;

/**
 * A {@linkcode TxtResolver} asking `nameServer` (null: the system's resolver). A name without
 * TXT records (NXDOMAIN, NODATA), a timeout or an unreachable server all answer `[]`: the
 * domain is then simply not verified yet.
 *
 * @example
 * ```ts
 * const txt = dnsTxtResolver({ ipAddr: "127.0.0.1", port: 5353 });
 * await txt("_clockflow.hours.acme.example"); // ["clockflow-verification=…"]
 * ```
 */
export function dnsTxtResolver(nameServer: NameServer | null = null): TxtResolver {
  return async (name) => {
    try {
      const records = await Deno.resolveDns(name, "TXT", {
        ...(nameServer ? { nameServer } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return records.map((parts) => parts.join(""));
    } catch {
      return [];
    }
  };
}

/**
 * `host:port` (`127.0.0.1:5353`, `[::1]:5353`; the port defaults to 53) as a name server, or
 * null when it is not an IP address with an optional port.
 */
export function parseNameServer(text: string): NameServer | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3}))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) return null;
  const ipAddr = m[1] ?? m[2];
  if (m[2] && m[2].split(".").some((o) => Number(o) > 255)) return null;
  const port = m[3] === undefined ? 53 : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { ipAddr, port };
}
