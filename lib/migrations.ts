/**
 * The application's schema migrations, in order. Add new ones at the end with the next number;
 * never edit one that has shipped. (None yet: the first schema needs no migration.)
 *
 * @module
 */

import type { Migration } from "./kv/mod.ts";

/** Every migration of the application. */
export const MIGRATIONS: Migration[] = [];
