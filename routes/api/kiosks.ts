/**
 * Kiosks of an organization (admins; API keys with `settings:read|write`; plan feature
 * `kiosk`), members' kiosk PINs (admins or the member; keys with `members:write`) and the
 * conflicts of offline punches (managers and admins; keys with `entries:read|write`). The rules
 * live in `lib/kiosks/use_cases.ts`; this door parses, calls and presents.
 *
 * | method and path | body | answer |
 * | --- | --- | --- |
 * | `POST …/kiosks` | `{name, locationId?}` | 201 `{id, name, locationId, pairingCode, pairingExpiresAt}` |
 * | `GET …/kiosks` | | `{data}` |
 * | `POST …/kiosks/{kioskId}/pairing-code` | | `{pairingCode, pairingExpiresAt}` |
 * | `DELETE …/kiosks/{kioskId}` | | 204 |
 * | `PUT …/members/{userId}/pin` | `{pin}` | 204 |
 * | `DELETE …/members/{userId}/pin` | | 204 |
 * | `GET …/kiosk-conflicts` | | `{data}` |
 * | `POST …/kiosk-conflicts/{conflictId}/resolve` | | the conflict |
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import {
  createKioskUseCase,
  deletePinUseCase,
  listConflictsUseCase,
  listKiosksUseCase,
  newPairingCodeUseCase,
  resolveConflictUseCase,
  revokeKioskUseCase,
  setPinUseCase,
} from "../../lib/kiosks/use_cases.ts";

/** Any JSON body: the use case validates it after authorizing. */
const body = z.any();

/** Routes mounted at `/api/v1/orgs/:orgId/kiosks` (after `requireOrg`). */
export const kiosksApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await listKiosksUseCase(requestContext(c))))
  .post("/", async (c) => {
    const created = await createKioskUseCase(requestContext(c), await readJson(c, body));
    c.header("Cache-Control", "no-store");
    return c.json(created, 201);
  })
  .post("/:kioskId/pairing-code", async (c) => {
    const id = c.req.param("kioskId");
    const code = await newPairingCodeUseCase(requestContext(c), { id });
    c.header("Cache-Control", "no-store");
    return c.json(code);
  })
  .delete("/:kioskId", async (c) => {
    await revokeKioskUseCase(requestContext(c), { id: c.req.param("kioskId") });
    return c.body(null, 204);
  });

/** Routes mounted at `/api/v1/orgs/:orgId/members` (after `requireOrg`): a member's PIN. */
export const memberPinApi = new Hono<AppEnv>()
  .put("/:userId/pin", async (c) => {
    const input = { userId: c.req.param("userId"), body: await readJson(c, body) };
    await setPinUseCase(requestContext(c), input);
    return c.body(null, 204);
  })
  .delete("/:userId/pin", async (c) => {
    await deletePinUseCase(requestContext(c), { userId: c.req.param("userId") });
    return c.body(null, 204);
  });

/** Routes mounted at `/api/v1/orgs/:orgId/kiosk-conflicts` (after `requireOrg`). */
export const kioskConflictsApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await listConflictsUseCase(requestContext(c))))
  .post("/:conflictId/resolve", async (c) => {
    const id = c.req.param("conflictId");
    return c.json(await resolveConflictUseCase(requestContext(c), { id }));
  });
