/**
 * Correction forms: edit an entry, delete it, add one — each with a required reason. They work
 * without JavaScript (plain posts to the page) and open themselves when they come back with an
 * error. Entries locked by an approved timesheet show their forms disabled, with the reason.
 *
 * @module
 */

import { ErrorSummary, Field, type FormError } from "../forms.tsx";
import type { WeekEntryRow } from "./week.tsx";

/** Which form failed, with what was sent and what to show. */
export interface EntryFormState {
  intent: "add" | "edit" | "delete";
  entryId?: string;
  values: Record<string, string>;
  error: FormError;
}

/** Props shared by the entry forms. */
interface Common {
  /** Where the forms post (the page's own URL). */
  action: string;
  /** The failed form, if any. */
  failed?: EntryFormState | null;
}

function failedFor(p: Common, intent: EntryFormState["intent"], entryId?: string) {
  const f = p.failed;
  return f && f.intent === intent && f.entryId === entryId ? f : null;
}

/** Edit and delete forms for one entry, folded in a `<details>`. */
export function EntryTools(p: Common & { entry: WeekEntryRow; historyHref: string }) {
  const { entry: e } = p;
  const edit = failedFor(p, "edit", e.id);
  const del = failedFor(p, "delete", e.id);
  const v = edit?.values ?? {};
  const id = `e-${e.id}`;
  const locked = e.locked;
  return (
    <div class="entry-tools">
      <details open={Boolean(edit || del)}>
        <summary>
          Edit or delete<span class="visually-hidden">{` the entry starting ${e.startLabel}`}</span>
        </summary>
        {locked && (
          <p class="alert alert-note" id={`${id}-locked`} data-locked>
            Locked: this entry is in the approved timesheet for{" "}
            {locked.label}. An admin must reopen that timesheet before the entry can change.
          </p>
        )}
        <fieldset
          class="plain"
          disabled={locked !== null}
          aria-describedby={locked ? `${id}-locked` : undefined}
        >
          <form method="post" action={p.action} class="stack">
            <input type="hidden" name="intent" value="edit" />
            <input type="hidden" name="entryId" value={e.id} />
            <ErrorSummary error={edit?.error} />
            <div class="row">
              <Field
                id={`${id}-start`}
                name="start"
                type="datetime-local"
                label="Start"
                value={v.start ?? e.editStart}
                required
                error={edit?.error}
              />
              <Field
                id={`${id}-end`}
                name="end"
                type="datetime-local"
                label="End"
                value={v.end ?? e.editEnd ?? ""}
                required={e.end !== null}
                hint={e.end === null ? "Leave empty to keep it running." : undefined}
                error={edit?.error}
              />
            </div>
            <Field
              id={`${id}-note`}
              name="note"
              label="Note"
              value={v.note ?? e.note ?? ""}
              maxLength={1000}
              error={edit?.error}
            />
            <Field
              id={`${id}-reason`}
              name="reason"
              label="Reason for the change"
              value={v.reason}
              required
              maxLength={500}
              hint="Kept in the entry's history."
              error={edit?.error}
            />
            <button type="submit" class="btn btn-primary">Save changes</button>
          </form>
          <form method="post" action={p.action} class="stack form-danger">
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="entryId" value={e.id} />
            <ErrorSummary error={del?.error} />
            <Field
              id={`${id}-delete-reason`}
              name="reason"
              label="Reason for deleting"
              value={del?.values.reason}
              required
              maxLength={500}
              error={del?.error}
            />
            <button type="submit" class="btn btn-danger">Delete entry</button>
          </form>
        </fieldset>
      </details>
      <a href={p.historyHref}>
        History<span class="visually-hidden">{` of the entry starting ${e.startLabel}`}</span>
      </a>
    </div>
  );
}

/** The form adding an entry by hand. */
export function AddEntryForm(p: Common) {
  const add = failedFor(p, "add");
  const v = add?.values ?? {};
  return (
    <section class="card" aria-labelledby="add-entry">
      <details open={Boolean(add)}>
        <summary>
          <h2 id="add-entry">Add an entry</h2>
        </summary>
        <form method="post" action={p.action} class="stack">
          <input type="hidden" name="intent" value="add" />
          <ErrorSummary error={add?.error} />
          <div class="row">
            <Field
              id="add-start"
              name="start"
              type="datetime-local"
              label="Start"
              value={v.start}
              required
              error={add?.error}
            />
            <Field
              id="add-end"
              name="end"
              type="datetime-local"
              label="End"
              value={v.end}
              required
              error={add?.error}
            />
          </div>
          <Field id="add-note" name="note" label="Note" value={v.note} error={add?.error} />
          <Field
            id="add-reason"
            name="reason"
            label="Reason"
            value={v.reason}
            required
            maxLength={500}
            hint="For example: forgot to clock in."
            error={add?.error}
          />
          <button type="submit" class="btn btn-primary">Add entry</button>
        </form>
      </details>
    </section>
  );
}
