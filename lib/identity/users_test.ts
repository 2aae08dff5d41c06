import assert from "node:assert/strict";
import { globalKeys, Store } from "../kv/mod.ts";
import { addUserCreation, cachedUser, newUser, USER_CACHE_MS } from "./users.ts";

Deno.test("cachedUser answers from memory for a while, then reads again", async () => {
  const store = await Store.open(":memory:");
  try {
    const user = newUser("Ada", "ada@example.com", null, 0);
    await addUserCreation(store.atomic(), user).commit();
    assert.equal((await cachedUser(store, user.id, 1_000))?.name, "Ada");
    await store.atomic().set(globalKeys.user(user.id), { ...user, name: "Ada L." }).commit();
    assert.equal((await cachedUser(store, user.id, 1_000 + USER_CACHE_MS - 1))?.name, "Ada");
    assert.equal((await cachedUser(store, user.id, 1_000 + USER_CACHE_MS))?.name, "Ada L.");
    assert.equal(await cachedUser(store, "01JD0000000000000000000000", 0), null);
  } finally {
    store.close();
  }
});
