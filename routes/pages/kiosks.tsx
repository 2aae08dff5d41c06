/**
 * Kiosk pages under `/o/:orgId` (`docs/kiosk.md`):
 *
 * | route | who |
 * | --- | --- |
 * | `GET/POST /kiosks` | admins: list, add (the pairing code shown big), new code, revoke |
 * | `GET/POST /members/:userId/pin` | admins, or the member: set, change, remove a kiosk PIN |
 * | `POST /kiosk-conflicts/:conflictId/resolve` | managers, admins (from the Team page) |
 *
 * Forms post an `intent`; their strings are adapted to `lib/kiosks/schemas.ts` and handed to
 * the same use cases as the API (`lib/kiosks/use_cases.ts`). On a plan without `kiosk` the
 * kiosks page says so instead.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  createKioskUseCase,
  deletePinUseCase,
  listConflictsUseCase,
  listKiosksUseCase,
  newPairingCodeUseCase,
  pinStatusUseCase,
  resolveConflictUseCase,
  revokeKioskUseCase,
  setPinUseCase,
} from "../../lib/kiosks/use_cases.ts";
import { allLocations } from "../../lib/locations/repository.ts";
import { dateTime } from "../../components/format.ts";
import {
  type ConflictRow,
  KiosksPage,
  type KiosksPageProps,
  PinPage,
  type PinPageProps,
} from "../../components/views/kiosks.tsx";
import { fieldError, formFailure, readForm } from "./forms.ts";
import { withRole } from "./guards.ts";
import { requestContext } from "../request_context.ts";
import { chrome, renderPage } from "./render.tsx";

/** Success messages of these pages (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = {
  kiosk_revoked: "Kiosk revoked. Its tablet is unpaired.",
  pin_saved: "PIN saved.",
  pin_removed: "PIN removed.",
};

async function kiosksPage(
  c: AppContext,
  extra: Pick<KiosksPageProps, "issued" | "failed"> = {},
  status?: ContentfulStatusCode,
) {
  const ctx = requestContext(c);
  const base = chrome(c, "kiosks");
  let kiosks: KiosksPageProps["kiosks"] = [];
  let unavailable: string | null = null;
  try {
    kiosks = (await listKiosksUseCase(ctx)).data;
  } catch (err) {
    if (!(err instanceof DomainError) || !err.code.startsWith("feature_")) throw err;
    unavailable = `${err.message}. Paired tablets do not work while the plan lacks kiosks.`;
  }
  const locations = unavailable ? [] : await allLocations(ctx.scope, { activeOnly: true });
  return renderPage(
    c,
    <KiosksPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      kiosks={kiosks}
      locations={locations.map((l) => ({ id: l.id, name: l.name }))}
      timeZone={ctx.org.timeZone}
      unavailable={unavailable}
      {...extra}
    />,
    status,
  );
}

async function pinPage(
  c: AppContext,
  failed?: PinPageProps["failed"],
  status?: ContentfulStatusCode,
) {
  const ctx = requestContext(c);
  const member = await pinStatusUseCase(ctx, { userId: c.req.param("userId") ?? "" });
  const base = chrome(c, ctx.role === "admin" ? "members" : undefined);
  return renderPage(
    c,
    <PinPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      member={member}
      backHref={`/o/${ctx.org.id}/${ctx.role === "admin" ? "members" : "clock"}`}
      failed={failed}
    />,
    status,
  );
}

/** The open kiosk conflicts as the Team page lists them (none for a plan without kiosks). */
export async function openConflictRows(c: AppContext): Promise<ConflictRow[]> {
  const ctx = requestContext(c);
  const { data } = await listConflictsUseCase(ctx);
  return data.filter((k) => k.resolvedAt === null).map((k) => ({
    id: k.id,
    name: k.name,
    action: k.action,
    atLabel: dateTime(Date.parse(k.at), ctx.org.timeZone),
    message: k.message,
  }));
}

/** The kiosk pages (mounted under `/o/:orgId`). */
export const kioskPages = new Hono<AppEnv>()
  .use("/kiosks", withRole("admin"))
  .get("/kiosks", (c) => kiosksPage(c))
  .post("/kiosks", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    try {
      if (values.intent === "revoke") {
        await revokeKioskUseCase(ctx, { id: values.kioskId ?? "" });
        return c.redirect(`/o/${ctx.org.id}/kiosks?ok=kiosk_revoked`, 303);
      }
      if (values.intent === "code") {
        const id = values.kioskId ?? "";
        const code = await newPairingCodeUseCase(ctx, { id });
        const kiosk = (await listKiosksUseCase(ctx)).data.find((k) => k.id === id);
        return kiosksPage(c, { issued: { kioskName: kiosk?.name ?? "the kiosk", ...code } });
      }
      if (values.intent !== "create") throw fieldError("intent", "Choose what to do");
      const locationId = (values.locationId ?? "").trim();
      const created = await createKioskUseCase(ctx, {
        name: values.name ?? "",
        locationId: locationId === "" ? null : locationId,
      });
      return kiosksPage(c, { issued: { kioskName: created.name, ...created } }, 201);
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") throw err;
      const f = formFailure(err, values);
      return kiosksPage(c, { failed: { values: f.values, error: f.error } }, f.status);
    }
  })
  .get("/members/:userId/pin", (c) => pinPage(c))
  .post("/members/:userId/pin", async (c) => {
    const ctx = requestContext(c);
    const userId = c.req.param("userId");
    // Who may change this member's PIN is decided before the form is read (404 elsewhere).
    await pinStatusUseCase(ctx, { userId });
    const values = await readForm(c);
    const back = `/o/${ctx.org.id}/members/${userId}/pin`;
    try {
      if (values.intent === "remove") {
        await deletePinUseCase(ctx, { userId });
        return c.redirect(`${back}?ok=pin_removed`, 303);
      }
      await setPinUseCase(ctx, { userId, body: { pin: (values.pin ?? "").trim() } });
      return c.redirect(`${back}?ok=pin_saved`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") throw err;
      const f = formFailure(err, {});
      return pinPage(c, { values: {}, error: f.error }, f.status);
    }
  })
  .post("/kiosk-conflicts/:conflictId/resolve", async (c) => {
    const ctx = requestContext(c);
    await resolveConflictUseCase(ctx, { id: c.req.param("conflictId") });
    return c.redirect(`/o/${ctx.org.id}/team?ok=conflict_resolved`, 303);
  });
