/**
 * The live state of one export: while it is queued or running, asks `GET …/exports/{id}` every
 * second and shows a `<progress>` bar; once done, the download link; if it failed, why. Without
 * JavaScript the server-rendered state stays, with a link to reload the page.
 *
 * @module
 */

import { useEffect, useState } from "preact/hooks";

/** What the island shows (the API's export view, in part). */
export interface ExportState {
  status: "queued" | "running" | "done" | "failed";
  progress: number;
  downloadUrl: string | null;
  fileName: string | null;
  rowCount: number | null;
  error: string | null;
}

/** Props of {@linkcode ExportProgress}. */
export interface ExportProgressProps {
  orgId: string;
  exportId: string;
  initial: ExportState;
  /** Poll interval in ms (default 1000). */
  intervalMs?: number;
}

const FINISHED = ["done", "failed"];

/** The export's progress bar, then its download link. */
export function ExportProgress(
  { orgId, exportId, initial, intervalMs = 1000 }: ExportProgressProps,
) {
  const [state, setState] = useState<ExportState>(initial);
  const [live, setLive] = useState(false);
  useEffect(() => {
    setLive(true);
    if (FINISHED.includes(state.status)) return;
    let stopped = false;
    const timer = setInterval(async () => {
      try {
        const res = await fetch(`/api/v1/orgs/${orgId}/exports/${exportId}`, {
          headers: { accept: "application/json" },
          credentials: "same-origin",
        });
        if (!res.ok || stopped) return;
        const next = (await res.json()) as ExportState;
        setState(next);
        if (FINISHED.includes(next.status)) clearInterval(timer);
      } catch {
        // A failed poll is tried again at the next tick.
      }
    }, intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [state.status === "done" || state.status === "failed"]);

  if (state.status === "done" && state.downloadUrl) {
    return (
      <span class="export-state" data-status="done">
        <a href={state.downloadUrl} download={state.fileName ?? undefined}>
          Download{state.fileName ? ` ${state.fileName}` : ""}
        </a>
        {state.rowCount !== null && <span class="hint">{` ${state.rowCount} rows`}</span>}
      </span>
    );
  }
  if (state.status === "failed") {
    return (
      <span class="export-state" data-status="failed" role="status">
        Failed{state.error ? `: ${state.error}` : ""}
      </span>
    );
  }
  const percent = Math.round(state.progress * 100);
  const label = `Export ${exportId} ${state.status === "queued" ? "queued" : `${percent}%`}`;
  return (
    <span class="export-state" data-status={state.status}>
      <progress max={1} value={state.progress} aria-label={label}>{percent}%</progress>
      <span class="hint" aria-live="polite">
        {state.status === "queued" ? " Queued" : ` ${percent}%`}
      </span>
      {!live && <a href="">Reload</a>}
    </span>
  );
}
