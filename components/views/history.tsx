/**
 * An entry's audit history: who changed what, when, why, and the values before and after.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { PageHeader } from "../forms.tsx";

/** One changed field of a record. */
export interface HistoryChange {
  field: string;
  before: string;
  after: string;
}

/** One audit record, ready to show. */
export interface HistoryItem {
  id: string;
  atIso: string;
  atLabel: string;
  actorName: string;
  action: string;
  reason: string | null;
  changes: HistoryChange[];
}

/** Props of {@linkcode HistoryPage}. */
export interface HistoryPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  items: HistoryItem[];
  /** Where "Back" goes (the week holding the entry). */
  backHref: string;
  backLabel: string;
  /** Link to older records, if any. */
  moreHref: string | null;
  timeZone: string;
}

/** The history of one entry, oldest first. */
export function HistoryPage(
  { items, backHref, backLabel, moreHref, timeZone, ...chrome }: HistoryPageProps,
) {
  return (
    <Layout title="Entry history" {...chrome}>
      <p class="crumbs">
        <a href={backHref}>
          <span aria-hidden="true">←</span> {backLabel}
        </a>
      </p>
      <PageHeader
        title="Entry history"
        lead={`Every change, oldest first · times in ${timeZone.replaceAll("_", " ")}`}
      />
      <ol class="history">
        {items.map((r) => (
          <li key={r.id} class="history-item card">
            <p class="history-head">
              <strong class="history-action">{r.action}</strong>
              <span>
                by <span class="history-actor">{r.actorName}</span>
              </span>
              <time datetime={r.atIso}>{r.atLabel}</time>
            </p>
            {r.reason && (
              <p class="history-reason">
                <span class="label">Reason:</span> {r.reason}
              </p>
            )}
            {r.changes.length > 0 && (
              <table class="changes">
                <caption class="visually-hidden">Changed values</caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {r.changes.map((ch) => (
                    <tr key={ch.field}>
                      <th scope="row">{ch.field}</th>
                      <td class="before">{ch.before}</td>
                      <td class="after">
                        <span aria-hidden="true" class="arrow">→</span> {ch.after}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ol>
      {moreHref && <a class="btn btn-quiet" href={moreHref}>Older changes</a>}
    </Layout>
  );
}
