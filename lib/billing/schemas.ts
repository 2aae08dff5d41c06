/**
 * Input schemas of the billing use cases.
 *
 * @module
 */

import { z } from "zod";
import { CHECKOUT_PLANS } from "./checkout.ts";

/** Starting a checkout: a self-serve paid plan and how often it is billed. */
export const checkoutInput = z.strictObject({
  plan: z.enum(CHECKOUT_PLANS),
  interval: z.enum(["monthly", "yearly"]),
});
/** A checkout choice. */
export type CheckoutInput = z.infer<typeof checkoutInput>;
