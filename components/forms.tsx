/**
 * Form building blocks that work without JavaScript and with screen readers: every control has
 * a label, hints and errors are tied to it with `aria-describedby`, invalid controls carry
 * `aria-invalid`, and a form-level error is announced as an alert.
 *
 * @module
 */

import type { ComponentChildren } from "preact";

/** A failed submission: a sentence for the form and messages per field name. */
export interface FormError {
  message: string;
  fields: Record<string, string>;
}

/** Props of {@linkcode Field}. */
export interface FieldProps {
  /** Unique id on the page (also the `for` of the label). */
  id: string;
  name: string;
  label: string;
  type?: string;
  value?: string;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  error?: FormError | null;
  inputMode?: "text" | "email" | "numeric";
  minLength?: number;
  maxLength?: number;
}

function describedBy(id: string, hint?: string, message?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", message ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** A labelled input with optional hint and error. */
export function Field(p: FieldProps) {
  const message = p.error?.fields[p.name];
  return (
    <div class={`field${message ? " field-invalid" : ""}`}>
      <label for={p.id}>
        {p.label}
        {!p.required && (
          <>
            {" "}
            <span class="optional">(optional)</span>
          </>
        )}
      </label>
      {p.hint && <p class="hint" id={`${p.id}-hint`}>{p.hint}</p>}
      <input
        id={p.id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value}
        required={p.required}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode}
        minLength={p.minLength}
        maxLength={p.maxLength}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={describedBy(p.id, p.hint, message)}
      />
      {message && <p class="field-error" id={`${p.id}-error`}>{message}</p>}
    </div>
  );
}

/** Props of {@linkcode SelectField}. */
export interface SelectFieldProps {
  id: string;
  name: string;
  label: string;
  options: readonly (string | { value: string; label: string })[];
  value?: string;
  required?: boolean;
  hint?: string;
  error?: FormError | null;
}

/** A labelled `<select>`. */
export function SelectField(p: SelectFieldProps) {
  const message = p.error?.fields[p.name];
  return (
    <div class={`field${message ? " field-invalid" : ""}`}>
      <label for={p.id}>{p.label}</label>
      {p.hint && <p class="hint" id={`${p.id}-hint`}>{p.hint}</p>}
      <select
        id={p.id}
        name={p.name}
        required={p.required}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={describedBy(p.id, p.hint, message)}
      >
        {p.options.map((o) => {
          const { value, label } = typeof o === "string" ? { value: o, label: o } : o;
          return <option key={value} value={value} selected={value === p.value}>{label}</option>;
        })}
      </select>
      {message && <p class="field-error" id={`${p.id}-error`}>{message}</p>}
    </div>
  );
}

/** The form-level error, announced when the page loads with it. */
export function ErrorSummary({ error }: { error?: FormError | null }) {
  if (!error) return null;
  return (
    <div class="alert alert-error" role="alert">
      <p>{error.message}</p>
    </div>
  );
}

/** A page heading with an optional line under it. */
export function PageHeader(
  { title, lead, children }: {
    title: string;
    lead?: ComponentChildren;
    children?: ComponentChildren;
  },
) {
  return (
    <div class="page-header">
      <h1>{title}</h1>
      {lead && <p class="lead">{lead}</p>}
      {children}
    </div>
  );
}
