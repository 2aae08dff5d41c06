/**
 * The accent colour field of the branding page: a colour picker that shows, as the colour
 * changes, the contrast of white text on it and whether it reaches 4.5:1, and keeps the save
 * button off below that. Without JavaScript the picker still posts and the server says the same
 * (`lib/branding/contrast.ts` decides both).
 *
 * @module
 */

import { useState } from "preact/hooks";
import { contrastRatio, displayRatio, REQUIRED_CONTRAST } from "../lib/branding/contrast.ts";

/** Props of {@linkcode AccentPicker}. */
export interface AccentPickerProps {
  /** The colour shown first (`#rrggbb`). */
  value: string;
  /** A message about the field from the server (a refused colour). */
  error?: string | null;
}

/** The contrast sentence for `color`. */
export function contrastText(color: string): { ok: boolean; text: string } {
  const ratio = displayRatio(contrastRatio(color, "#ffffff"));
  const ok = contrastRatio(color, "#ffffff") >= REQUIRED_CONTRAST;
  return {
    ok,
    text: `White text on ${color}: contrast ${ratio.toFixed(2)}:1 — ${
      ok ? "readable" : `too light, needs at least ${REQUIRED_CONTRAST}:1`
    }`,
  };
}

/** The picker, the live contrast and the save button. */
export function AccentPicker({ value, error }: AccentPickerProps) {
  const [color, setColor] = useState(value);
  const { ok, text } = contrastText(color);
  return (
    <div class="stack">
      <div class={`field${error ? " field-invalid" : ""}`}>
        <label for="accentColor">Accent colour</label>
        <p class="hint" id="accentColor-hint">
          Buttons and the header show white text on it, so it needs a contrast of at least{" "}
          {REQUIRED_CONTRAST}:1 against white.
        </p>
        <input
          id="accentColor"
          name="accentColor"
          type="color"
          value={color}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={`accentColor-hint accent-contrast${error ? " accentColor-error" : ""}`}
          onInput={(e) => setColor((e.currentTarget as HTMLInputElement).value.toLowerCase())}
        />
        <p
          id="accent-contrast"
          class={ok ? "hint" : "field-error"}
          role="status"
          aria-live="polite"
          data-ok={ok ? "true" : "false"}
        >
          {text}
        </p>
        {error && <p class="field-error" id="accentColor-error">{error}</p>}
      </div>
      <div>
        <button type="submit" class="btn btn-primary" disabled={!ok} id="save-accent">
          Save colour
        </button>
      </div>
    </div>
  );
}
