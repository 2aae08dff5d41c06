/**
 * A billing button: "Upgrade to Team (monthly)" opens Stripe Checkout, "Manage billing" the
 * customer portal. It posts JSON to `POST /api/v1/orgs/{orgId}/billing/checkout` (`{plan,
 * interval}`) or `…/billing/portal`, which answer `{url}`, and sends the browser there. Stripe's
 * hosted pages need a script, so the button stays disabled until the island is hydrated (with a
 * note for browsers without JavaScript); a refusal (`billing_disabled`, …) is shown next to it.
 *
 * @module
 */

import { useEffect, useState } from "preact/hooks";

/** Props of {@linkcode BillingAction}. */
export interface BillingActionProps {
  orgId: string;
  /** Checkout for a plan and interval, or the customer portal. */
  action: "checkout" | "portal";
  plan?: "team" | "business" | "enterprise";
  interval?: "monthly" | "yearly";
  label: string;
  /** Shown as the main button. */
  primary?: boolean;
}

/** A button that opens Stripe Checkout or the customer portal. */
export function BillingAction(props: BillingActionProps) {
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setReady(true), []);

  async function go(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const body = props.action === "checkout"
        ? JSON.stringify({ plan: props.plan, interval: props.interval })
        : "{}";
      const res = await fetch(
        `/api/v1/orgs/${encodeURIComponent(props.orgId)}/billing/${props.action}`,
        {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body,
        },
      );
      const answer = await res.json().catch(() => null);
      if (res.ok && typeof answer?.url === "string") {
        location.assign(answer.url);
        return;
      }
      setError(answer?.error?.message ?? "That did not work; try again in a moment.");
    } catch {
      setError("The connection failed; try again.");
    }
    setBusy(false);
  }

  return (
    <form class="billing-action" onSubmit={go}>
      <button
        type="submit"
        class={`btn ${props.primary ? "btn-primary" : "btn-quiet"}`}
        disabled={!ready || busy}
        aria-busy={busy}
      >
        {props.label}
      </button>
      {error && <p class="field-error" role="alert">{error}</p>}
    </form>
  );
}
