/**
 * Input schemas of the API key use cases (`use_cases.ts`): the JSON API and the admin page
 * validate with them.
 *
 * @module
 */

import { z } from "zod";
import { instant, label, paging } from "../validation.ts";
import { SCOPES } from "./scopes.ts";

/** Creating a key: a name, at least one scope (no repeats), an optional expiry instant. */
export const apiKeyInput = z.strictObject({
  name: label(100),
  scopes: z.array(z.enum(SCOPES, { error: `use scopes from: ${SCOPES.join(", ")}` }))
    .min(1, "choose at least one scope")
    .max(SCOPES.length)
    .refine((s) => new Set(s).size === s.length, "name each scope once"),
  expiresAt: instant.nullable().optional(),
});
/** A key to create (expiresAt as epoch ms). */
export type ApiKeyInput = z.infer<typeof apiKeyInput>;

/** A page of the key list. */
export const apiKeyListQuery = z.strictObject(paging);
