/**
 * The kiosk device's own API, `/api/v1/kiosk/*` (`docs/kiosk.md`). No session: the device's
 * `cf_kiosk` cookie (HttpOnly, SameSite=Strict, a year), set by pairing. Every call but pairing
 * answers 401 `kiosk_unpaired` without a live credential (`requireKiosk`). The rules live in
 * `lib/kiosks`; this door parses, calls and presents.
 *
 * | method and path | body | answer |
 * | --- | --- | --- |
 * | `POST /kiosk/pair` | `{code}` | `{kiosk, organization, branding}` + Set-Cookie |
 * | `GET /kiosk/me` | | `{kiosk, organization, branding}` |
 * | `POST /kiosk/identify` | `{pin}` | `{userId, name, state, since}` |
 * | `POST /kiosk/punch` | `{pin, action, at?, idempotencyKey?}` | `{status: "applied" \| "conflict", …}` (201 for an applied `in`) |
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requireKiosk, setKioskCookie } from "../middleware/auth.ts";
import { billingMode } from "../middleware/plan.ts";
import { requestContext } from "../request_context.ts";
import { clientIp } from "../identity_context.ts";
import { kioskMeUseCase, pairKioskUseCase } from "../../lib/kiosks/use_cases.ts";
import { identifyUseCase, kioskPunchUseCase } from "../../lib/kiosks/punch.ts";

/** Any JSON body: the use case validates it. */
const body = z.any();

/** Routes mounted at `/api/v1/kiosk`. */
export const kioskDeviceApi = new Hono<AppEnv>()
  .post("/pair", async (c) => {
    const deps = c.get("deps");
    const { token, device } = await pairKioskUseCase({
      store: deps.store,
      now: deps.now(),
      clientIp: clientIp(c),
      billingMode: billingMode(deps),
    }, await readJson(c, body));
    setKioskCookie(c, token);
    c.header("Cache-Control", "no-store");
    return c.json(device);
  })
  .use("/me", requireKiosk())
  .use("/identify", requireKiosk())
  .use("/punch", requireKiosk())
  .get("/me", async (c) => c.json(await kioskMeUseCase(requestContext(c))))
  .post("/identify", async (c) => {
    return c.json(await identifyUseCase(requestContext(c), await readJson(c, body)));
  })
  .post("/punch", async (c) => {
    const out = await kioskPunchUseCase(requestContext(c), await readJson(c, body));
    if (out.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(out.result, out.created && out.result.status === "applied" ? 201 : 200);
  });
