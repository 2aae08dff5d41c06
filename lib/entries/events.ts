/**
 * The events of entry changes: which event each audited action emits, and its data (the entry
 * as the API shows it, with the organization's break rules); and the member's presence for the
 * live board when the running entry changed (`lib/presence`). Clock punches emit `clock.*` and
 * `break.*`; corrections typed in by people or keys emit `time_entry.*`.
 *
 * @module
 */

import type { RequestContext } from "../context.ts";
import type { EventType } from "../events/events.ts";
import { viewEntry } from "./model.ts";
import type { EntryEffects } from "./repository.ts";
import { addPresenceChange } from "../presence/presence.ts";

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
export function entryEvents(
  ctx: Pick<RequestContext, "events" | "settings" | "scope">,
): EntryEffects {
  return (op, change, now) => {
    const entry = change.after ?? change.before?.entry;
    if (!entry) return;
    // The live board's presence (lib/presence), when the member's running entry changed.
    addPresenceChange(op, ctx.scope, entry.userId, change.before?.entry ?? null, change.after, now);
    const type = ENTRY_EVENTS[change.action];
    if (type) ctx.events.emit(op, type, viewEntry(entry, now, ctx.settings.settings));
  };
}
