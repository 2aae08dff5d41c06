/**
 * Time entries: listing (employees see their own only), corrections with a reason (managers and
 * admins; employees their own when `employeesCanEditOwnEntries` is on), and each entry's
 * history. Entry views apply the organization's break rules (paid break types, automatic meal
 * deduction); entries in an approved timesheet's period are locked (409 `period_locked`).
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { entryBody, entryDelete, entryPatch, entryQuery, pageQuery } from "./schemas.ts";
import { DomainError, notFound } from "../../lib/errors.ts";
import { decodeCursorParam } from "../../lib/kv/mod.ts";
import { isManager, type Role } from "../../lib/members/members.ts";
import { viewEntry } from "../../lib/entries/model.ts";
import { requireBreakType } from "../../lib/settings/repository.ts";
import { entryAuditHistory, getEntry, listEntries } from "../../lib/entries/repository.ts";
import {
  assertMayCorrect,
  createEntry,
  deleteEntry,
  updateEntry,
} from "../../lib/entries/manage.ts";

/** The entry, if the caller may see it (employees: only their own); else `not_found`. */
async function visibleEntry(c: AppContext, id: string) {
  const { scope, membership } = c.get("org");
  const entry = await getEntry(scope, id);
  if (!isManager(membership.role) && entry.userId !== membership.userId) {
    throw notFound("time entry");
  }
  return entry;
}

/** True when the caller may correct at least someone's entries (else a plain 403, as before). */
function mayCorrectAnyone(
  actor: { role: Role },
  settings: { employeesCanEditOwnEntries: boolean },
): boolean {
  return isManager(actor.role) || settings.employeesCanEditOwnEntries;
}

function forbidden(): never {
  throw new DomainError("forbidden", "forbidden", "Your role does not allow this");
}

/** The organization's settings and the caller, for corrections and views. */
function rulesAndActor(c: AppContext) {
  const { membership, settings: { settings } } = c.get("org");
  return { settings, actor: { userId: membership.userId, role: membership.role } };
}

/** Routes mounted at `/api/v1/orgs/:orgId/time-entries` (after `requireOrg`). */
export const entriesApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, entryQuery);
    const { scope, membership } = c.get("org");
    let userId = q.userId;
    if (!isManager(membership.role)) {
      if (userId && userId !== membership.userId) {
        throw new DomainError(
          "forbidden",
          "forbidden",
          "Employees can list only their own entries",
        );
      }
      userId = membership.userId;
    }
    const page = await listEntries(scope, {
      userId,
      from: q.from,
      to: q.to,
      limit: q.limit,
      cursor: decodeCursorParam(q.cursor),
    });
    const now = c.get("deps").now();
    const { settings } = c.get("org").settings;
    return c.json({
      data: page.data.map((e) => viewEntry(e, now, settings)),
      nextCursor: page.nextCursor,
    });
  })
  .post("/", idempotent(), async (c) => {
    const { settings, actor } = rulesAndActor(c);
    if (!mayCorrectAnyone(actor, settings)) forbidden();
    const body = await readJson(c, entryBody);
    assertMayCorrect(actor, body.userId, settings);
    requireBreakType(settings, ...(body.breaks ?? []).map((b) => b.typeId));
    const now = c.get("deps").now();
    const entry = await createEntry(c.get("org").scope, c.get("user")!.id, body, now);
    return c.json(viewEntry(entry, now, settings), 201);
  })
  .get("/:id", async (c) => {
    const { settings } = c.get("org").settings;
    const entry = await visibleEntry(c, c.req.param("id"));
    return c.json(viewEntry(entry, c.get("deps").now(), settings));
  })
  .patch("/:id", async (c) => {
    const { settings, actor } = rulesAndActor(c);
    if (!mayCorrectAnyone(actor, settings)) forbidden();
    const owner = (await visibleEntry(c, c.req.param("id"))).userId;
    assertMayCorrect(actor, owner, settings);
    const body = await readJson(c, entryPatch);
    requireBreakType(settings, ...(body.breaks ?? []).map((b) => b.typeId));
    const now = c.get("deps").now();
    const entry = await updateEntry(
      c.get("org").scope,
      c.get("user")!.id,
      c.req.param("id"),
      body,
      now,
    );
    return c.json(viewEntry(entry, now, settings));
  })
  .delete("/:id", async (c) => {
    const { settings, actor } = rulesAndActor(c);
    if (!mayCorrectAnyone(actor, settings)) forbidden();
    const owner = (await visibleEntry(c, c.req.param("id"))).userId;
    assertMayCorrect(actor, owner, settings);
    const body = await readJson(c, entryDelete);
    await deleteEntry(
      c.get("org").scope,
      c.get("user")!.id,
      c.req.param("id"),
      body.reason,
      c.get("deps").now(),
    );
    return c.body(null, 204);
  })
  .get("/:id/history", async (c) => {
    const q = readQuery(c, pageQuery);
    const { scope, membership } = c.get("org");
    const page = await entryAuditHistory(scope, c.req.param("id"), {
      limit: q.limit,
      cursor: decodeCursorParam(q.cursor),
    });
    if (!isManager(membership.role)) {
      const owner = page.data.find((r) => r.after || r.before);
      const rec = (owner?.after ?? owner?.before) as { userId?: string } | undefined;
      if (rec?.userId !== membership.userId) throw notFound("time entry");
    }
    return c.json(page);
  });
