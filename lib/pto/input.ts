/**
 * Validating a use case's input with its schema inside the use case, so every door (the JSON
 * API, a form page, a job) gets the same refusal: 400 `validation_failed` with one detail per
 * problem, like the API's body reader.
 *
 * @module
 */

import type { z } from "zod";
import { DomainError } from "../errors.ts";

/**
 * `input` parsed by `schema`, or 400 `validation_failed` with `{path, message}` details.
 *
 * @example
 * ```ts
 * const body = parseInput(adjustmentInput, input);
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new DomainError(
    "invalid",
    "validation_failed",
    "Some fields are missing or invalid",
    parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  );
}
