/**
 * A member's week: prev/next navigation, the weekly total, and each local day with its total and
 * entries. Durations show as `h:mm`; exact seconds are in `data-seconds` and in the title.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import { durationWords, hmm } from "../format.ts";

/** One entry row. Instants are ISO strings; labels are already in the organization's zone. */
export interface WeekEntryRow {
  id: string;
  start: string;
  end: string | null;
  startLabel: string;
  endLabel: string | null;
  workedSeconds: number;
  breakSeconds: number;
  note: string | null;
  source: "clock" | "manual";
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
                    <div class="entry-main">
                      <p class="entry-time">
                        <time datetime={e.start}>{e.startLabel}</time>
                        {" – "}
                        {e.end
                          ? <time datetime={e.end}>{e.endLabel}</time>
                          : <span class="badge badge-in">running</span>}
                      </p>
                      <p class="entry-worked">
                        <span class="visually-hidden">Worked</span>{" "}
                        <Duration seconds={e.workedSeconds} />
                      </p>
                    </div>
                    <p class="entry-meta">
                      {e.breakSeconds > 0 && (
                        <span>
                          Break <Duration seconds={e.breakSeconds} />
                        </span>
                      )}
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
