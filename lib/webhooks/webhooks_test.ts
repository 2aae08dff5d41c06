import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import { Store } from "../kv/mod.ts";
import { userPrincipal } from "../principal.ts";
import { subscriptionsFrom } from "../events/events.ts";
import {
  changeEndpoint,
  createEndpoint,
  deleteEndpoint,
  liveSecrets,
  maskSecret,
  newSecret,
  rotateSecret,
  updateEndpoint,
  withSubscription,
} from "./endpoints.ts";
import { AUTOMATIC_ATTEMPTS, RETRY_DELAYS_MS, retryDelayAfter } from "./deliver.ts";
import { messageBody, signedHeaders } from "./signing.ts";

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);
const admin = userPrincipal("01JD3X7M2Q8J5V0K6Y4T9N1C2B");

Deno.test("secrets are whsec_ and base64 of 32 random bytes; the hint shows only the last four characters", () => {
  const a = newSecret();
  const b = newSecret();
  assert.notEqual(a, b);
  assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(atob(a.slice(6)).length, 32);
  assert.equal(maskSecret(a), `whsec_…${a.slice(-4)}`);
});

Deno.test("the retry schedule is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; nothing after attempt 8", () => {
  const s = 1000;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map(retryDelayAfter),
    [5 * s, 300 * s, 1800 * s, 7200 * s, 18000 * s, 36000 * s, 36000 * s],
  );
  assert.equal(AUTOMATIC_ATTEMPTS, 8);
  assert.equal(retryDelayAfter(8), null);
  assert.equal(retryDelayAfter(9), null, "manual retries are single attempts");
  assert.equal(retryDelayAfter(0), null);
  assert.equal(RETRY_DELAYS_MS.length, 7);
});

Deno.test("signedHeaders sign id.timestamp.body with every live secret; standardwebhooks verifies each", () => {
  const [a, b] = [newSecret(), newSecret()];
  const message = {
    id: "msg_1",
    type: "clock.in",
    timestamp: new Date(T0).toISOString(),
    data: { x: 1 },
  };
  const body = messageBody(message);
  assert.equal(body, `{"type":"clock.in","timestamp":"${message.timestamp}","data":{"x":1}}`);
  const now = Date.now();
  const headers = signedHeaders(message.id, body, [a, b], now);
  assert.equal(headers["webhook-id"], "msg_1");
  assert.equal(headers["webhook-timestamp"], String(Math.floor(now / 1000)));
  assert.equal(headers["webhook-signature"].split(" ").length, 2);
  for (const secret of [a, b]) {
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
  }
  assert.throws(() => new Webhook(newSecret()).verify(body, headers), /No matching signature/);
  assert.throws(
    () => new Webhook(a).verify(body.replace("1", "2"), headers),
    /No matching signature/,
  );
});

Deno.test("withSubscription keeps the list's order and replaces, adds or removes one endpoint", () => {
  const list = {
    endpoints: [
      { endpointId: "A", events: ["clock.in" as const], enabled: true },
      { endpointId: "B", events: ["clock.out" as const], enabled: true },
    ],
  };
  const b = { id: "B", events: ["clock.in" as const], enabled: false } as Parameters<
    typeof withSubscription
  >[2];
  assert.deepEqual(withSubscription(list, "B", b).endpoints.map((e) => [e.endpointId, e.enabled]), [
    ["A", true],
    ["B", false],
  ]);
  assert.deepEqual(withSubscription(list, "A", null).endpoints.map((e) => e.endpointId), ["B"]);
});

Deno.test("every endpoint change rewrites the subscription list in the same commit, and concurrent changes serialize", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    const list = async () => subscriptionsFrom((await scope.get("webhook_subscriptions")).value);
    const made = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createEndpoint(scope, admin, {
          url: `https://hooks.example.com/${i}`,
          events: ["clock.in"],
          description: "",
        }, T0)),
    );
    assert.equal((await list()).endpoints.length, 6, "six concurrent creations, six entries");
    await updateEndpoint(scope, admin, made[0].id, { events: ["clock.out"], enabled: false }, T0);
    const first = (await list()).endpoints.find((e) => e.endpointId === made[0].id)!;
    assert.deepEqual([first.events, first.enabled], [["clock.out"], false]);
    await deleteEndpoint(scope, admin, made[1].id, T0);
    assert.ok(!(await list()).endpoints.some((e) => e.endpointId === made[1].id));
    // Two changes racing on one endpoint: the loser plans again on the winner's commit.
    let plans = 0;
    await Promise.all(["x", "y"].map((tag) =>
      changeEndpoint(scope, made[2].id, ({ endpoint }) => {
        plans++;
        return { endpoint: { ...endpoint!, description: endpoint!.description + tag } };
      })
    ));
    const after = (await scope.get<{ description: string }>("webhook_endpoint", made[2].id)).value!;
    assert.deepEqual([...after.description].sort(), ["x", "y"], "both changes applied");
    assert.ok(plans >= 2);
    // Extra writes travel in the same commit.
    await changeEndpoint(scope, made[3].id, ({ endpoint }) => ({
      endpoint: endpoint!,
      extra: (op) => void op.set(scope.key("audit_probe"), true),
    }));
    assert.equal((await scope.get("audit_probe")).value, true);
  } finally {
    store.close();
  }
});

Deno.test("after a rotation the previous secret signs until 24 h later", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    const e = await createEndpoint(scope, admin, {
      url: "https://hooks.example.com/x",
      events: ["clock.in"],
      description: "",
    }, T0);
    const r = await rotateSecret(scope, admin, e.id, T0 + 1000);
    assert.deepEqual(liveSecrets(r, T0 + 1000), [r.secret, e.secret]);
    assert.deepEqual(liveSecrets(r, T0 + 1000 + 24 * 3_600_000 - 1), [r.secret, e.secret]);
    assert.deepEqual(liveSecrets(r, T0 + 1000 + 24 * 3_600_000), [r.secret]);
  } finally {
    store.close();
  }
});
