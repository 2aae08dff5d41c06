/**
 * The statuses of a time-off request (its own module so that the model and the input schemas
 * can both import it).
 *
 * @module
 */

/** Where a request is in its life: pending, then approved or rejected, or cancelled. */
export const PTO_STATUSES = ["pending", "approved", "rejected", "cancelled"] as const;
