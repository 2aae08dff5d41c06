/**
 * Branded KV keys. Only this folder can make a {@linkcode Key}: org keys through an
 * {@linkcode OrgScope}, global keys through the registry in `global.ts`. The store refuses any
 * key it did not make, so code outside `lib/kv` cannot address another tenant's data even with a
 * cast.
 *
 * @module
 */

declare const brand: unique symbol;

/** A KV key made by `lib/kv`. */
export type Key = readonly Deno.KvKeyPart[] & { readonly [brand]: true };

const made = new WeakSet<object>();

/** Brand `parts` as a key. Internal to `lib/kv`. */
export function makeKey(parts: Deno.KvKeyPart[]): Key {
  Object.freeze(parts);
  made.add(parts);
  return parts as unknown as Key;
}

/** Throw unless `key` was made by {@linkcode makeKey}. */
export function assertKey(key: Key): Deno.KvKey {
  if (!made.has(key as object)) {
    throw new TypeError("KV key was not made by lib/kv; build keys through an OrgScope");
  }
  return key as unknown as Deno.KvKey;
}
