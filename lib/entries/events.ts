/**
 * The events of entry changes: which event each audited action emits, and its data (the entry
 * as the API shows it, with the organization's break rules). Clock punches emit `clock.*` and
 * `break.*`; corrections typed in by people or keys emit `time_entry.*`.
 *
 * @module
 */

import type { RequestContext } from "../context.ts";
import type { EventType } from "../events/events.ts";
import { viewEntry } from "./model.ts";
import type { EntryEffects } from "./repository.ts";

/** The event of each entry action (actions without one emit nothing). */
export const ENTRY_EVENTS: Readonly<Record<string, EventType>> = {
  "clock.in": "clock.in",
  "clock.out": "clock.out",
  "clock.break_start": "break.started",
  "clock.break_end": "break.ended",
  "entry.create": "time_entry.created",
  "entry.update": "time_entry.updated",
  "entry.delete": "time_entry.deleted",
};

/**
 * The effects that emit a change's event through `ctx.events`. The caller dispatches
 * `ctx.jobs` after the change.
 *
 * @example
 * ```ts
 * await createEntry(ctx.scope, ctx.principal, input, ctx.now, entryEvents(ctx));
 * await ctx.jobs.dispatch();
 * ```
 */
export function entryEvents(ctx: Pick<RequestContext, "events" | "settings">): EntryEffects {
  return (op, change, now) => {
    const type = ENTRY_EVENTS[change.action];
    const entry = change.after ?? change.before?.entry;
    if (!type || !entry) return;
    ctx.events.emit(op, type, viewEntry(entry, now, ctx.settings.settings));
  };
}
