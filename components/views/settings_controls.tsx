/**
 * Form controls of the admin settings and locations pages, in the markup of
 * `components/forms.tsx` (label, hint and error tied to the control with `aria-describedby`,
 * `aria-invalid` on errors) with what those pages need beyond it: decimal inputs, checkboxes,
 * and controls whose values come from a flat `values` record keyed by field name.
 *
 * @module
 */

import type { FormError } from "../forms.tsx";

/** The id of the control for field `name` in a form whose ids start with `prefix`. */
export function controlId(prefix: string, name: string): string {
  return `${prefix}-${name.replaceAll(".", "-")}`;
}

function describedBy(id: string, hint?: string, message?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", message ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** What every control takes. */
interface ControlBase {
  /** Prefix of the control's id (unique per form on the page). */
  idPrefix: string;
  name: string;
  label: string;
  values: Record<string, string>;
  error?: FormError | null;
  hint?: string;
  /** Hide the label visually (it is still read out), for compact rows. */
  quietLabel?: boolean;
}

/** Props of {@linkcode Input}. */
export interface InputProps extends ControlBase {
  type?: "text" | "date";
  /** `decimal` shows a number pad and accepts decimals (validated on the server). */
  inputMode?: "text" | "decimal" | "numeric";
  required?: boolean;
  /** Mark the label "(optional)". */
  optional?: boolean;
  maxLength?: number;
  placeholder?: string;
  /** A unit shown after the input (e.g. "hours"). */
  suffix?: string;
  autocomplete?: string;
}

/** A labelled input. */
export function Input(p: InputProps) {
  const id = controlId(p.idPrefix, p.name);
  const message = p.error?.fields[p.name];
  const input = (
    <input
      id={id}
      name={p.name}
      type={p.type ?? "text"}
      value={p.values[p.name] ?? ""}
      inputMode={p.inputMode}
      required={p.required}
      maxLength={p.maxLength}
      placeholder={p.placeholder}
      autocomplete={p.autocomplete ?? "off"}
      aria-invalid={message ? "true" : undefined}
      aria-describedby={describedBy(id, p.hint, message)}
    />
  );
  return (
    <div class={`field${message ? " field-invalid" : ""}`}>
      <label for={id} class={p.quietLabel ? "visually-hidden" : undefined}>
        {p.label}
        {p.optional && (
          <>
            {" "}
            <span class="optional">(optional)</span>
          </>
        )}
      </label>
      {p.hint && <p class="hint" id={`${id}-hint`}>{p.hint}</p>}
      {p.suffix
        ? (
          <div class="with-unit">
            {input}
            <span class="unit" aria-hidden="true">{p.suffix}</span>
          </div>
        )
        : input}
      {message && <p class="field-error" id={`${id}-error`}>{message}</p>}
    </div>
  );
}

/** Props of {@linkcode Select}. */
export interface SelectProps extends ControlBase {
  options: readonly { value: string; label: string }[];
}

/** A labelled select. */
export function Select(p: SelectProps) {
  const id = controlId(p.idPrefix, p.name);
  const message = p.error?.fields[p.name];
  const current = p.values[p.name] ?? "";
  return (
    <div class={`field${message ? " field-invalid" : ""}`}>
      <label for={id} class={p.quietLabel ? "visually-hidden" : undefined}>{p.label}</label>
      {p.hint && <p class="hint" id={`${id}-hint`}>{p.hint}</p>}
      <select
        id={id}
        name={p.name}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={describedBy(id, p.hint, message)}
      >
        {p.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === current}>{o.label}</option>
        ))}
      </select>
      {message && <p class="field-error" id={`${id}-error`}>{message}</p>}
    </div>
  );
}

/** A labelled checkbox (posted as `true` when checked, absent otherwise). */
export function Checkbox(p: ControlBase) {
  const id = controlId(p.idPrefix, p.name);
  const message = p.error?.fields[p.name];
  return (
    <div class={`field field-checkbox${message ? " field-invalid" : ""}`}>
      <input
        id={id}
        name={p.name}
        type="checkbox"
        value="true"
        checked={p.name in p.values}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={describedBy(id, p.hint, message)}
      />
      <label for={id}>{p.label}</label>
      {p.hint && <p class="hint" id={`${id}-hint`}>{p.hint}</p>}
      {message && <p class="field-error" id={`${id}-error`}>{message}</p>}
    </div>
  );
}

/** A message about a whole group of fields (e.g. a list), shown under its heading. */
export function GroupError({ name, error }: { name: string; error?: FormError | null }) {
  const message = error?.fields[name];
  return message ? <p class="field-error" role="alert">{message}</p> : null;
}
