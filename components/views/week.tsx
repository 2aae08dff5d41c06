/**
 * A member's week: prev/next navigation, the weekly total, and each local day with its total and
 * entries. Durations show as `h:mm`; exact seconds are in `data-seconds` and in the title.
 * Entries show their breaks by type (paid or unpaid), an automatic meal deduction as such, and
 * whether they are locked by an approved timesheet.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import { durationWords, hmm } from "../format.ts";

/** An approved timesheet's period that locks entries. */
export interface LockNote {
  timesheetId: string;
  periodStart: string;
  periodEnd: string;
  /** E.g. "Oct 26 – Nov 8, 2026". */
  label: string;
}

/** One break of an entry. */
export interface BreakRow {
  /** The break type's name ("Break" when untyped). */
  label: string;
  paid: boolean;
  seconds: number;
  running: boolean;
}

/** One entry row. Instants are ISO strings; labels are already in the organization's zone. */
export interface WeekEntryRow {
  id: string;
  start: string;
  end: string | null;
  startLabel: string;
  endLabel: string | null;
  /** Paid worked seconds: span − unpaid breaks − automatic deduction (no rounding). */
  workedSeconds: number;
  breakSeconds: number;
  unpaidBreakSeconds: number;
  /** Seconds deducted automatically for a missed meal break. */
  autoDeductSeconds: number;
  breaks: BreakRow[];
  /** The approved timesheet period this entry lies in, if any. */
  locked: LockNote | null;
  note: string | null;
  source: "clock" | "manual" | "kiosk" | "kiosk_offline";
  crossesMidnight: boolean;
  /** `datetime-local` values for edit forms. */
  editStart: string;
  editEnd: string | null;
}

/** One local day. */
export interface WeekDay {
  /** `YYYY-MM-DD`. */
  date: string;
  label: string;
  /** Worked seconds inside this local day (parts of entries crossing midnight included). */
  seconds: number;
  isToday: boolean;
  /** Entries starting this day (the first day also holds entries from before the week). */
  entries: WeekEntryRow[];
}

/** A week ready to show. */
export interface WeekData {
  date: string;
  label: string;
  days: WeekDay[];
  total: number;
  prev: string;
  next: string;
  today: string;
  isCurrentWeek: boolean;
  /** Approved timesheet periods touching this week. */
  locks: LockNote[];
}

/** A duration as `h:mm` inside `<time>`, with the exact seconds. */
export function Duration({ seconds, class: cls }: { seconds: number; class?: string }) {
  return (
    <time
      class={cls ? `duration ${cls}` : "duration"}
      datetime={`PT${seconds}S`}
      data-seconds={seconds}
      title={durationWords(seconds)}
    >
      {hmm(seconds)}
    </time>
  );
}

/** An entry's start – end (or "running") and its worked time. */
export function EntryTimes({ e }: { e: WeekEntryRow }) {
  return (
    <div class="entry-main">
      <p class="entry-time">
        <time datetime={e.start}>{e.startLabel}</time>
        {" – "}
        {e.end
          ? <time datetime={e.end}>{e.endLabel}</time>
          : <span class="badge badge-in">running</span>}
      </p>
      <p class="entry-worked">
        <span class="visually-hidden">Worked</span> <Duration seconds={e.workedSeconds} />
      </p>
    </div>
  );
}

/** What an entry's breaks, deduction and lock say, for the entry's meta line. */
export function EntryFacts({ e }: { e: WeekEntryRow }) {
  return (
    <>
      {e.breakSeconds > 0 && (
        <span>
          Break <Duration seconds={e.breakSeconds} />
        </span>
      )}
      {e.breaks.length > 0 && (
        <span class="entry-breaks">
          {e.breaks.map((b, i) => (
            <span key={i} class="entry-break" data-paid={b.paid ? "true" : "false"}>
              {b.label} ({b.paid ? "paid" : "unpaid"}
              {b.running ? ", running" : ""}) <Duration seconds={b.seconds} />
            </span>
          ))}
        </span>
      )}
      {e.autoDeductSeconds > 0 && (
        <span class="entry-autodeduct" data-auto-deduct={e.autoDeductSeconds}>
          Automatic meal deduction <Duration seconds={e.autoDeductSeconds} /> (no break taken)
        </span>
      )}
      {e.locked && (
        <span class="entry-locked">
          <span class="badge badge-locked">Locked</span> approved timesheet {e.locked.label}
        </span>
      )}
    </>
  );
}

/** Props of {@linkcode WeekView}. */
export interface WeekViewProps {
  week: WeekData;
  /** Path of the page, without query (the week links add `?date=`). */
  path: string;
  /** Extra controls under each entry (edit forms for managers). */
  entryTools?: (row: WeekEntryRow) => ComponentChildren;
}

/** The week. */
export function WeekView({ week, path, entryTools }: WeekViewProps) {
  return (
    <>
      <div class="week-bar">
        <nav class="week-nav" aria-label="Weeks">
          <a class="btn btn-quiet" href={`${path}?date=${week.prev}`} rel="prev">
            <span aria-hidden="true">←</span> Previous<span class="visually-hidden">{` week`}</span>
          </a>
          {!week.isCurrentWeek && (
            <a class="btn btn-quiet" href={`${path}?date=${week.today}`}>This week</a>
          )}
          <a class="btn btn-quiet" href={`${path}?date=${week.next}`} rel="next">
            Next<span class="visually-hidden">{` week`}</span> <span aria-hidden="true">→</span>
          </a>
        </nav>
        <p class="week-total" data-total="week">
          <span>Week total</span> <Duration seconds={week.total} class="big" />
        </p>
      </div>
      {week.locks.length > 0 && (
        <p class="alert alert-note" data-locked-week>
          {week.locks.map((l) => `Approved timesheet ${l.label}`).join("; ")}: entries in{" "}
          {week.locks.length === 1 ? "this period are" : "these periods are"}{" "}
          locked until an admin reopens the timesheet.
        </p>
      )}
      <ol class="days">
        {week.days.map((day) => (
          <li
            key={day.date}
            class={`day${day.isToday ? " day-today" : ""}${day.entries.length ? "" : " day-empty"}`}
            data-day={day.date}
          >
            <div class="day-head">
              <h2 id={`day-${day.date}`}>
                {day.label}
                {day.isToday && <span class="badge badge-today">Today</span>}
              </h2>
              <p class="day-total" data-total="day">
                <span class="visually-hidden">Day total</span> <Duration seconds={day.seconds} />
              </p>
            </div>
            {day.entries.length > 0 && (
              <ul class="entries" aria-labelledby={`day-${day.date}`}>
                {day.entries.map((e) => (
                  <li key={e.id} class="entry" data-entry-id={e.id}>
                    <EntryTimes e={e} />
                    <p class="entry-meta">
                      <EntryFacts e={e} />
                      {e.source === "manual" && <span>Added by hand</span>}
                      {e.crossesMidnight && <span>Crosses midnight: split between days</span>}
                      {e.note && <span class="entry-note">{e.note}</span>}
                    </p>
                    {entryTools?.(e)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
