/** Specification of ids: ULID-shaped, time-sortable, and ordered within one millisecond. */

import assert from "node:assert/strict";
import { isId, newId } from "./ids.ts";

const T = Date.UTC(2026, 10, 2, 8, 0, 0);

Deno.test("ids are 26 Crockford base32 characters and recognised by isId", () => {
  for (let i = 0; i < 100; i++) {
    const id = newId(T + i);
    assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(isId(id), true);
  }
  for (const bad of ["", "x", "01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAVV", 42]) {
    assert.equal(isId(bad), false, String(bad));
  }
  assert.equal(isId("01ARZ3NDEKTSV4RRFFQ69G5FAI"), false, "I is not Crockford base32");
  assert.equal(isId("01arz3ndektsv4rrffq69g5fav"), false, "lower case is not made by newId");
});

Deno.test("the time part encodes the millisecond, so ids sort by time", () => {
  assert.equal(newId(0).slice(0, 10), "0000000000");
  assert.equal(newId(T).slice(0, 10), newId(T).slice(0, 10));
  const ids = [T + 5, T - 1000, T, T + 86_400_000].map((t) => newId(t));
  assert.deepEqual([...ids].sort(), [ids[1], ids[2], ids[0], ids[3]]);
});

Deno.test("ids made in the same millisecond still sort in the order they were made", () => {
  const ids = Array.from({ length: 1000 }, () => newId(T));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length, "all distinct");
  const interleaved = [newId(T + 1), newId(T + 2), newId(T + 2), newId(T + 1)];
  assert.ok(interleaved[1] < interleaved[2]);
  assert.ok(interleaved[0] < interleaved[1]);
});
