/**
 * Input schemas of branding: the accent colour (a settings section), the custom domain.
 *
 * @module
 */

import { z } from "zod";
import { HEX_COLOR } from "./contrast.ts";
import { domainProblem } from "./domain_name.ts";

/** `#RRGGBB`, stored lower-case. */
export const accentColor = z.string().regex(HEX_COLOR, "use a colour like #0f766e")
  .transform((s) => s.toLowerCase());

/**
 * The `branding` settings section: the accent colour (null: ClockFlow's own). Its contrast
 * against white is checked by the settings use case (422 `insufficient_contrast`).
 */
export const brandingSettingsSchema = z.strictObject({
  accentColor: accentColor.nullable(),
});

/** A custom domain: a lower-case host name of the organization's own (trimmed, lower-cased). */
export const domainName = z.string().trim().toLowerCase().max(253).superRefine((d, ctx) => {
  const problem = domainProblem(d);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** `PUT …/branding/domain`. */
export const domainInput = z.strictObject({ domain: domainName });

/** Bodies of the routes that take none (`POST …/branding/domain/verify`). */
export const emptyBrandingBody = z.strictObject({});
