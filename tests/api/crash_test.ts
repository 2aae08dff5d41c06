/**
 * Durability under group commit: the server is killed with SIGKILL while packed commits are in
 * flight, under concurrent load; every punch it acknowledged (answered 201) is in the database
 * afterwards, whole (the entry, its pointers and the member's running-entry pointer), and
 * nothing half-written is left (every running-entry pointer names a stored entry).
 */

import assert from "node:assert/strict";
import { runMigrations, Store } from "../../lib/kv/mod.ts";
import { MIGRATIONS } from "../../lib/migrations.ts";
import { signUp } from "../../lib/orgs/orgs.ts";
import { addMember } from "../../lib/members/members.ts";
import { createApiKey } from "../../lib/apikeys/keys.ts";

const ROOT = new URL("../../", import.meta.url);
const MEMBERS = 160;

async function seed(path: string) {
  const store = await Store.open(path);
  try {
    await runMigrations(store, MIGRATIONS);
    const now = Date.now();
    const { org, user } = await signUp(store, {
      organization: { name: "Crash Co", timeZone: "UTC" },
      user: { name: "Admin", email: "admin@crash.example.com", passwordHash: "unused" },
    }, now);
    const scope = (await store.scopeForMember(user.id, org.id))!;
    const ids: string[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const m = await addMember(scope, user.id, {
        name: `Worker ${i}`,
        email: null,
        passwordHash: null,
        role: "employee",
      }, now);
      ids.push(m.id);
    }
    const { key } = await createApiKey(scope, { type: "user", userId: user.id }, {
      name: "crash",
      scopes: ["clock:write"],
      expiresAt: null,
    }, now);
    return { orgId: org.id, memberIds: ids, key };
  } finally {
    store.close();
  }
}

async function start(kvPath: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: { PORT: "0", HOSTNAME: "127.0.0.1", NO_COLOR: "1", KV_PATH: kvPath, LOG_LEVEL: "error" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  const deadline = Date.now() + 60_000;
  while (!/listening on http:\/\/localhost:(\d+)/.test(out)) {
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${out}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server exited:\n${out}`);
    out += decoder.decode(value);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* killed */ }
  })();
  return { child, port: Number(/listening on http:\/\/localhost:(\d+)/.exec(out)![1]) };
}

Deno.test("kill -9 under load: every acknowledged punch is stored whole", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clockflow-crash-" });
  const kvPath = `${dir}/kv.sqlite3`;
  try {
    const fx = await seed(kvPath);
    const { child, port } = await start(kvPath);
    const acknowledged = new Map<string, string>(); // userId → entry id
    let killed = false;
    const punch = async (userId: string) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/orgs/${fx.orgId}/clock/in`, {
          method: "POST",
          headers: { authorization: `Bearer ${fx.key}`, "content-type": "application/json" },
          body: JSON.stringify({ userId }),
        });
        const body = await res.json();
        if (res.status === 201) acknowledged.set(userId, body.id);
      } catch {
        // The server died with this request in flight: not acknowledged.
      }
      if (!killed && acknowledged.size >= MEMBERS / 2) {
        killed = true;
        child.kill("SIGKILL");
      }
    };
    // 48 clients at once, each punching members in turn.
    let next = 0;
    await Promise.all(Array.from({ length: 48 }, async () => {
      while (next < fx.memberIds.length && !killed) await punch(fx.memberIds[next++]);
    }));
    if (!killed) child.kill("SIGKILL");
    await child.status;
    assert.ok(acknowledged.size >= MEMBERS / 2, `acknowledged ${acknowledged.size}`);

    const store = await Store.open(kvPath);
    try {
      const scope = (await store.scopeForJob(fx.orgId))!;
      for (const [userId, entryId] of acknowledged) {
        const ref = await scope.get<{ userId: string; start: number }>("entry_ref", entryId);
        assert.ok(ref.value, `entry ${entryId} of an acknowledged punch is stored`);
        assert.equal(ref.value.userId, userId);
        const entry = await scope.get("entry", userId, ref.value.start, entryId);
        assert.ok(entry.value, "the entry itself");
        const open = await scope.get<{ id: string }>("open_entry", userId);
        assert.equal(open.value?.id, entryId, "the running-entry pointer");
      }
      // Nothing half-written: every running-entry pointer names a stored entry.
      for await (const e of scope.list<{ id: string }>(scope.key("open_entry"))) {
        const ref = await scope.get("entry_ref", e.value.id);
        assert.ok(ref.value, `open_entry ${String(e.key.at(-1))} names a stored entry`);
      }
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
