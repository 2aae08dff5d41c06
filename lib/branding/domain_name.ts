/**
 * What a custom domain may be: a host name under the organization's control that people type,
 * never an address, `localhost` or a single label.
 *
 * @module
 */

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why `domain` (already lower-cased and trimmed) cannot be a custom domain, or null when it can:
 * 1–63-character labels of `a-z`, `0-9` and inner hyphens, at least two labels, at most 253
 * characters, a top-level label that is not all digits (so no IPv4 address; `:` and `[` never
 * pass, so no IPv6), not `localhost` nor under it.
 *
 * @example
 * ```ts
 * domainProblem("hours.acme.example"); // null
 * domainProblem("10.0.0.1"); // "use a host name, not an IP address"
 * ```
 */
export function domainProblem(domain: string): string | null {
  if (domain.length === 0) return "enter a domain like hours.example.com";
  if (domain.length > 253) return "use at most 253 characters";
  const labels = domain.split(".");
  if (labels.length < 2) return "use a full domain like hours.example.com";
  if (!labels.every((l) => LABEL.test(l))) {
    return "use letters, digits, hyphens and dots only, like hours.example.com";
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return "use a host name, not an IP address";
  if (labels[labels.length - 1] === "localhost") return "localhost cannot be a custom domain";
  return null;
}

/** True when `host` could be a custom domain (cheap syntax check, no own-host rule). */
export function looksLikeCustomDomain(host: string): boolean {
  return domainProblem(host) === null;
}
