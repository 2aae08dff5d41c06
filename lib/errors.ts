/**
 * Domain errors. Library code throws these; `routes/` turns them into HTTP answers, so the
 * domain never needs to know about status codes.
 *
 * @module
 */

/** How a failure should be understood by whoever called the domain. */
export type ErrorKind =
  | "invalid"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "locked"
  | "gone"
  | "unprocessable"
  | "too_many"
  | "payment_required";

/** A failure a client can cause and can fix; carries a stable machine-readable `code`. */
export class DomainError extends Error {
  /**
   * @param kind how the failure is classified (maps to an HTTP status in `routes/`)
   * @param code stable machine-readable code, e.g. `already_clocked_in`
   * @param message a sentence for people
   * @param details optional structured details
   */
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** Shorthand for a `not_found` error about `what`. */
export function notFound(what: string): DomainError {
  return new DomainError("not_found", "not_found", `${what} not found`);
}
