/**
 * Input schemas of the kiosk use cases (`use_cases.ts`, `punch.ts`): the JSON API and the admin
 * pages validate with them. Objects are strict: unknown fields are refused.
 *
 * @module
 */

import { z } from "zod";
import { id, instant, label } from "../validation.ts";

/** Creating a kiosk: a name and, optionally, the job location it stands at. */
export const kioskInput = z.strictObject({
  name: label(100),
  locationId: id.nullable().optional(),
});
/** A kiosk to create. */
export type KioskInput = z.infer<typeof kioskInput>;

/** A PIN as set by an admin or the member: 4 to 8 digits. */
export const pinInput = z.strictObject({
  pin: z.string().regex(/^[0-9]{4,8}$/, "use 4 to 8 digits"),
});

/** Pairing a device: the code shown on the admin page (spaces and dashes are ignored). */
export const pairInput = z.strictObject({
  code: z.string().min(1, "enter the pairing code").max(64),
});

/**
 * A PIN typed on the kiosk: digits only (a PIN of the wrong length is simply wrong, 404
 * `unknown_pin`, and counts toward the throttle).
 */
const typedPin = z.string().regex(/^[0-9]{1,16}$/, "use digits only");

/** Identifying a member by PIN. */
export const identifyInput = z.strictObject({ pin: typedPin });

/** The punches a kiosk makes. */
export const PUNCH_ACTIONS = ["in", "out", "break_start", "break_end"] as const;

/**
 * A punch: the PIN, the action, `at` (when the punch was made, for punches queued offline) and
 * `idempotencyKey` (the same key from the same device applies once).
 */
export const punchInput = z.strictObject({
  pin: typedPin,
  action: z.enum(PUNCH_ACTIONS, { error: `use one of: ${PUNCH_ACTIONS.join(", ")}` }),
  at: instant.optional(),
  idempotencyKey: z.string().regex(/^[\x21-\x7e]{1,128}$/, "use 1–128 visible ASCII characters")
    .optional(),
});
/** A punch, as validated (`at` in epoch ms). */
export type PunchInput = z.infer<typeof punchInput>;
