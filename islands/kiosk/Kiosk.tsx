/**
 * The kiosk screen a shared tablet shows at `/kiosk` (rendered by the server, hydrated by
 * `main.tsx`): pairing when the device is not paired; else the organization's name and logo, a
 * big clock and a PIN pad. A PIN identifies the member (name and state shown first), then the
 * actions valid for that state are offered as big buttons; a punch is confirmed with its time and
 * the pad comes back after 5 s.
 *
 * Offline (or when the server cannot be reached) the PIN cannot be checked: every action is
 * offered, the punch goes to the queue (IndexedDB, `queue.ts`) with its own time and
 * idempotency key, is shown as pending and is sent when the network returns.
 *
 * @module
 */

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { JSX } from "preact";
import {
  call,
  errorCode,
  type Identified,
  type KioskMe,
  type MemberState,
  serverNow,
} from "./api.ts";
import {
  errorMessageOf,
  Flusher,
  flushQueue,
  type KioskAction,
  MemoryQueueStore,
  type QueuedPunch,
  type QueueStore,
  type WithLock,
} from "./queue.ts";
import { IdbQueueStore } from "./idb_store.ts";

/** Id of the element holding the screen (the server renders into it, `main.tsx` hydrates it). */
export const KIOSK_ROOT_ID = "kiosk";
/** Id of the JSON data block with the screen's props. */
export const KIOSK_DATA_ID = "kiosk-data";

/** An organization's look before pairing (the kiosk page on its custom domain). */
export interface KioskBrand {
  orgName: string;
  accentColor: string | null;
  logoUrl: string | null;
}

/** Props of {@linkcode Kiosk}: the pairing the server saw (null: not paired). */
export interface KioskProps {
  me: KioskMe | null;
  /** Shown while not paired, when the page was opened on an organization's custom domain. */
  brand?: KioskBrand | null;
  /**
   * The clock as the server rendered it (`[time, date]`): shown until the first tick, so the
   * pad is interactive before the browser builds its first date formatter.
   */
  clock?: [string, string] | null;
}

/** The clock's text at `ms` in `timeZone`: `[time, date]`. */
export function clockText(ms: number, timeZone: string): [string, string] {
  return [timeIn(ms, timeZone), dateIn(ms, timeZone)];
}

/** What the screen shows. */
type Screen =
  | { kind: "pair" }
  | { kind: "pad" }
  /** The actions: for an identified member, or (member null) offline, all of them. */
  | { kind: "choose"; member: Identified | null }
  | { kind: "done"; tone: "ok" | "warn"; title: string; detail: string };

/** A message in the alert region. */
interface Message {
  text: string;
  tone: "error" | "info";
}

const BACK_TO_PAD_MS = 5_000;
/** An identified member's screen gives way to the pad when nobody acts. */
const CHOOSE_IDLE_MS = 30_000;
const RETRY_MS = 30_000;
const CHECK_PAIRING_MS = 5 * 60_000;
const PIN_MIN = 4;
const PIN_MAX = 8;
const CODE_LENGTH = 8;

const ACTION_LABEL: Record<KioskAction, string> = {
  in: "Clock in",
  break_start: "Start break",
  break_end: "End break",
  out: "Clock out",
};

const DONE_TITLE: Record<KioskAction, string> = {
  in: "Clocked in",
  break_start: "Break started",
  break_end: "Break ended",
  out: "Clocked out",
};

/** The actions a member in `state` can take. */
export function actionsFor(state: MemberState | null): KioskAction[] {
  if (state === "out") return ["in"];
  if (state === "in") return ["break_start", "out"];
  if (state === "break") return ["break_end", "out"];
  return ["in", "break_start", "break_end", "out"];
}

/** A pairing code as typed or pasted: uppercase, separators and spaces dropped, 8 at most. */
export function normalizeCode(text: string): string {
  return text.toUpperCase().replace(/[^0-9A-Z]/g, "").slice(0, CODE_LENGTH);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter (the clock renders every second; building one is not free). */
function format(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone} ${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, f = new Intl.DateTimeFormat("en-US", { ...options, timeZone }));
  return f;
}

function timeIn(ms: number, timeZone: string): string {
  return format(timeZone, { hour: "numeric", minute: "2-digit" }).format(ms);
}

function dateIn(ms: number, timeZone: string): string {
  return format(timeZone, { weekday: "long", month: "long", day: "numeric" }).format(ms);
}

/** "Clocked in since 9:02 AM", as the member's screen says it. */
function stateText(member: Identified, timeZone: string): string {
  const since = member.since ? Date.parse(member.since) : NaN;
  const at = Number.isFinite(since) ? ` since ${timeIn(since, timeZone)}` : "";
  if (member.state === "in") return `Clocked in${at}`;
  if (member.state === "break") return `On break${at}`;
  return "Clocked out";
}

/** An instant as whole-second ISO 8601 UTC. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** The body a queued punch is sent with (the same at every attempt). */
function punchBody(item: QueuedPunch) {
  return { pin: item.pin, action: item.action, at: item.at, idempotencyKey: item.idempotencyKey };
}

/** Web Locks when the browser has them, so two tabs never flush at once. */
const withWebLock: WithLock = (task) => {
  const locks = typeof navigator !== "undefined"
    ? (navigator as Navigator & { locks?: LockManager }).locks
    : undefined;
  return locks ? locks.request("kiosk-queue-flush", task) : task();
};

/** Ask the service worker to store the current page again (after pairing). */
function refreshShell(): void {
  navigator.serviceWorker?.ready.then((reg) => reg.active?.postMessage("refresh-shell"))
    .catch(() => {});
}

/** The kiosk screen. */
export function Kiosk(props: KioskProps) {
  const [me, setMe] = useState<KioskMe | null>(props.me);
  const [screen, setScreen] = useState<Screen>({ kind: props.me ? "pad" : "pair" });
  const [pin, setPin] = useState("");
  const [code, setCode] = useState("");
  const [message, setMessage] = useState<Message | null>(null);
  const [pending, setPending] = useState(0);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState<number | null>(null);
  const [ready, setReady] = useState(false);

  const store = useMemo<QueueStore>(
    () => (typeof indexedDB === "undefined" ? new MemoryQueueStore() : new IdbQueueStore()),
    [],
  );
  const meRef = useRef(me);
  meRef.current = me;
  const chooseRef = useRef<HTMLDivElement>(null);

  const countPending = () => store.all().then((items) => setPending(items.length)).catch(() => {});

  const unpaired = () => {
    setMe(null);
    setPin("");
    setScreen({ kind: "pair" });
    setMessage({
      text: "This device is not paired (or was removed). Enter a new pairing code.",
      tone: "error",
    });
  };

  const flusher = useMemo(
    () =>
      new Flusher(async () => {
        const current = meRef.current;
        if (!current) {
          return { applied: 0, conflicts: 0, rejected: [], stoppedBy: null, remaining: 0 };
        }
        return await flushQueue(
          store,
          current.organization.id,
          async (item) => {
            const a = await call("POST", "punch", punchBody(item));
            return { status: a.status, body: a.body };
          },
        );
      }, withWebLock),
    [store],
  );

  const flush = async () => {
    if (!meRef.current) return;
    try {
      const report = await flusher.flush();
      setPending(report.remaining);
      if (report.stoppedBy === "unpaired") unpaired();
      if (report.rejected.length) {
        const r = report.rejected[0];
        setMessage({
          text: `A saved punch (${ACTION_LABEL[r.item.action]}) was refused: ${r.message}`,
          tone: "error",
        });
      }
    } catch {
      await countPending();
    }
  };

  // Start: the clock ticks, the queue is counted and flushed, and flushed again whenever the
  // network returns and every 30 s; the pairing is checked every 5 minutes.
  // Interactive as soon as hydration commits (layout effects run then; plain effects wait for
  // the next frame): the key handler below is a layout effect too.
  useLayoutEffect(() => setReady(true), []);
  useEffect(() => {
    const first = setTimeout(() => setNow(serverNow()), 0);
    const tick = setInterval(() => setNow(serverNow()), 1000);
    countPending().then(flush);
    const onOnline = () => void flush();
    globalThis.addEventListener("online", onOnline);
    const retry = setInterval(() => {
      if (navigator.onLine) void flush();
    }, RETRY_MS);
    const check = setInterval(async () => {
      if (!meRef.current || !navigator.onLine) return;
      try {
        const a = await call("GET", "me");
        if (a.status === 200) setMe(a.body as KioskMe);
        else if (a.status === 401) unpaired();
      } catch { /* offline: nothing to learn */ }
    }, CHECK_PAIRING_MS);
    return () => {
      clearTimeout(first);
      clearInterval(tick);
      clearInterval(retry);
      clearInterval(check);
      globalThis.removeEventListener("online", onOnline);
    };
  }, []);

  // The organization's accent colour (CSSOM: the page's CSP allows no inline style).
  const brand: KioskBrand | null = me
    ? { orgName: me.organization.name, ...me.branding }
    : props.brand ?? null;
  const accent = brand?.accentColor ?? null;
  useEffect(() => {
    const root = document.documentElement.style;
    if (accent && /^#[0-9a-fA-F]{6}$/.test(accent)) root.setProperty("--accent", accent);
    else root.removeProperty("--accent");
  }, [accent]);

  // Screens that time out: the confirmation after 5 s, the member's choice after 30 s.
  useEffect(() => {
    if (screen.kind !== "done" && screen.kind !== "choose") return;
    if (screen.kind === "choose") chooseRef.current?.querySelector("button")?.focus();
    const t = setTimeout(() => {
      setPin("");
      setScreen({ kind: "pad" });
    }, screen.kind === "done" ? BACK_TO_PAD_MS : CHOOSE_IDLE_MS);
    return () => clearTimeout(t);
  }, [screen]);

  const press = (key: string) => {
    if (busy) return;
    setMessage(null);
    if (key === "clear") setPin("");
    else if (key === "back") setPin((p) => p.slice(0, -1));
    else setPin((p) => (p.length < PIN_MAX ? p + key : p));
  };

  const identify = async () => {
    if (busy) return;
    if (pin.length < PIN_MIN) {
      setMessage({ text: `Enter your PIN (${PIN_MIN} to ${PIN_MAX} digits).`, tone: "error" });
      return;
    }
    setMessage(null);
    if (!navigator.onLine) {
      setScreen({ kind: "choose", member: null });
      return;
    }
    setBusy(true);
    let a;
    try {
      a = await call("POST", "identify", { pin });
    } catch {
      setScreen({ kind: "choose", member: null });
      return;
    } finally {
      setBusy(false);
    }
    if (a.status === 200) return setScreen({ kind: "choose", member: a.body as Identified });
    if (a.status >= 500) return setScreen({ kind: "choose", member: null });
    setPin("");
    if (a.status === 401) return unpaired();
    if (a.status === 429) {
      return setMessage({
        text: `Too many wrong PINs. Try again in ${a.retryAfter ?? 60} seconds.`,
        tone: "error",
      });
    }
    if (errorCode(a) === "unknown_pin") {
      return setMessage({ text: "That PIN is not known. Try again.", tone: "error" });
    }
    setMessage({ text: errorMessageOf(a), tone: "error" });
  };

  const saveOffline = async (item: QueuedPunch) => {
    try {
      await store.add(item);
    } catch {
      setScreen({ kind: "pad" });
      setMessage({
        text: "This punch could not be saved on the device. Try again.",
        tone: "error",
      });
      return;
    }
    await countPending();
    setScreen({
      kind: "done",
      tone: "ok",
      title: `${DONE_TITLE[item.action]} — saved, will sync`,
      detail: `${timeIn(Date.parse(item.at), meRef.current!.organization.timeZone)}. ` +
        "It is sent when the connection returns.",
    });
  };

  const punch = async (action: KioskAction, member: Identified | null) => {
    if (busy || !me) return;
    const item: QueuedPunch = {
      idempotencyKey: crypto.randomUUID(),
      pin,
      action,
      at: isoSeconds(serverNow()),
      orgId: me.organization.id,
      queuedAt: Date.now(),
    };
    setPin("");
    setMessage(null);
    if (!member || !navigator.onLine) return await saveOffline(item);
    setBusy(true);
    let a;
    try {
      a = await call("POST", "punch", punchBody(item));
    } catch {
      return await saveOffline(item);
    } finally {
      setBusy(false);
    }
    if (a.status >= 500) return await saveOffline(item);
    const tz = me.organization.timeZone;
    const body = a.body as {
      status?: string;
      member?: { name: string };
      conflict?: { message: string };
    };
    if (a.status >= 200 && a.status < 300 && body?.status === "conflict") {
      setScreen({
        kind: "done",
        tone: "warn",
        title: "Not applied",
        detail: `${body.conflict?.message ?? "It conflicts with your time"}. ` +
          "Your manager will see it.",
      });
    } else if (a.status >= 200 && a.status < 300) {
      setScreen({
        kind: "done",
        tone: "ok",
        title: `${DONE_TITLE[action]} at ${timeIn(Date.parse(item.at), tz)}`,
        detail: body?.member?.name ?? member.name,
      });
      void flush();
    } else if (a.status === 401) {
      unpaired();
    } else {
      setScreen({ kind: "pad" });
      setMessage({ text: errorMessageOf(a), tone: "error" });
    }
  };

  const pair = async (e: JSX.TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    if (code.length !== CODE_LENGTH) {
      setMessage({ text: `The pairing code has ${CODE_LENGTH} characters.`, tone: "error" });
      return;
    }
    setBusy(true);
    let a;
    try {
      a = await call("POST", "pair", { code });
    } catch {
      setMessage({ text: "No connection. Pairing needs the network.", tone: "error" });
      return;
    } finally {
      setBusy(false);
    }
    if (a.status === 200) {
      setMe(a.body as KioskMe);
      meRef.current = a.body as KioskMe;
      setCode("");
      setMessage(null);
      setScreen({ kind: "pad" });
      refreshShell();
      void flush();
    } else if (a.status === 429) {
      setMessage({
        text: `Too many attempts. Try again in ${a.retryAfter ?? 60} seconds.`,
        tone: "error",
      });
    } else if (errorCode(a) === "pairing_code_invalid") {
      setMessage({
        text: "That code is unknown, used or expired. Ask an admin for a new one.",
        tone: "error",
      });
    } else {
      setMessage({ text: errorMessageOf(a), tone: "error" });
    }
  };

  // Typing on a keyboard: digits, Backspace, Escape (clear or cancel) and Enter on the pad.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.tagName === "INPUT") return;
      if (screen.kind === "pad") {
        if (/^[0-9]$/.test(e.key)) press(e.key);
        else if (e.key === "Backspace") press("back");
        else if (e.key === "Escape") press("clear");
        else if (e.key === "Enter" && target?.tagName !== "BUTTON") void identify();
        else return;
        e.preventDefault();
      } else if (e.key === "Escape" && screen.kind !== "pair") {
        setPin("");
        setScreen({ kind: "pad" });
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  const tz = me?.organization.timeZone ?? "UTC";
  const clock = now === null && props.clock ? props.clock : clockText(now ?? serverNow(), tz);
  return (
    <div
      class="kiosk"
      data-screen={screen.kind}
      data-ready={ready ? "true" : undefined}
      aria-busy={busy ? "true" : undefined}
    >
      <header class="k-head">
        {brand?.logoUrl && <img class="k-logo" src={brand.logoUrl} alt={`${brand.orgName} logo`} />}
        <div>
          <h1 class="k-org">{me ? me.organization.name : brand?.orgName ?? "ClockFlow kiosk"}</h1>
          {me && <p class="k-name">{me.kiosk.name}</p>}
        </div>
        <p class="k-pending" role="status" data-pending={pending}>
          {pending > 0 ? `Pending (${pending})` : ""}
        </p>
      </header>

      <p class={`k-msg k-msg-${message?.tone ?? "none"}`} role="alert">{message?.text ?? ""}</p>

      {screen.kind === "pair" && (
        <form class="k-pair" onSubmit={pair}>
          <h2>Pair this device</h2>
          <p>An admin creates a kiosk in ClockFlow and gets an 8-character code.</p>
          <label for="k-code">Pairing code</label>
          <input
            id="k-code"
            name="code"
            class="k-code"
            value={code}
            onInput={(e) => setCode(normalizeCode(e.currentTarget.value))}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            maxLength={12}
            required
            aria-describedby="k-code-hint"
          />
          <p id="k-code-hint" class="k-hint">Letters and digits; spaces and dashes are ignored.</p>
          <button type="submit" class="k-btn k-primary" disabled={busy}>Pair</button>
        </form>
      )}

      {me && screen.kind !== "pair" && (
        <div class="k-clock" aria-hidden={screen.kind !== "pad" ? "true" : undefined}>
          <p class="k-time">{clock[0]}</p>
          <p class="k-date">{clock[1]}</p>
        </div>
      )}

      {me && screen.kind === "pad" && (
        <section class="k-pad" aria-label="PIN pad">
          <p class="k-pin" data-digits={pin.length}>
            <span aria-hidden="true">{pin.length ? "•".repeat(pin.length) : "Enter your PIN"}</span>
            <span class="k-sr">
              {pin.length ? `PIN: ${pin.length} digits entered` : "Enter your PIN"}
            </span>
          </p>
          <div class="k-keys">
            {["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((d) => (
              <button
                type="button"
                class="k-key"
                key={d}
                onClick={() => press(d)}
              >
                {d}
              </button>
            ))}
            <button type="button" class="k-key k-small" onClick={() => press("clear")}>
              Clear
            </button>
            <button type="button" class="k-key" onClick={() => press("0")}>0</button>
            <button
              type="button"
              class="k-key k-small"
              aria-label="Backspace"
              onClick={() => press("back")}
            >
              ⌫
            </button>
          </div>
          <button type="button" class="k-btn k-primary k-enter" onClick={identify} disabled={busy}>
            Enter
          </button>
        </section>
      )}

      {me && screen.kind === "choose" && (
        <section class="k-choose" aria-labelledby="k-who" ref={chooseRef}>
          <h2 id="k-who" class="k-who">{screen.member ? screen.member.name : "Offline"}</h2>
          <p class="k-state">
            {screen.member
              ? stateText(screen.member, tz)
              : "Your PIN is checked when the connection returns. Choose what to do."}
          </p>
          <div class="k-actions">
            {actionsFor(screen.member?.state ?? null).map((action) => (
              <button
                type="button"
                key={action}
                class={`k-btn k-action k-${action}`}
                disabled={busy}
                onClick={() => punch(action, screen.member)}
              >
                {ACTION_LABEL[action]}
              </button>
            ))}
          </div>
          <button
            type="button"
            class="k-btn k-quiet"
            onClick={() => {
              setPin("");
              setScreen({ kind: "pad" });
            }}
          >
            Cancel
          </button>
        </section>
      )}

      <div class="k-live" aria-live="polite">
        {me && screen.kind === "done" && (
          <section class={`k-done k-done-${screen.tone}`}>
            <h2 class="k-done-title">{screen.title}</h2>
            <p class="k-done-detail">{screen.detail}</p>
          </section>
        )}
      </div>
    </div>
  );
}
