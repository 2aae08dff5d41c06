/**
 * A button that copies the text of the element with id `targetId` to the clipboard and says so
 * (for a secret shown once, such as a new API key). Without JavaScript the text stays selectable.
 *
 * @module
 */

import { useState } from "preact/hooks";

/** Props of {@linkcode CopyButton}. */
export interface CopyButtonProps {
  /** Id of the element whose text is copied. */
  targetId: string;
  /** The button's words. */
  label: string;
}

/** Copy the target's text and announce the result. */
export function CopyButton({ targetId, label }: CopyButtonProps) {
  const [message, setMessage] = useState("");
  const copy = async () => {
    const text = document.getElementById(targetId)?.textContent ?? "";
    try {
      await navigator.clipboard.writeText(text);
      setMessage("Copied.");
    } catch {
      const range = document.createRange();
      const target = document.getElementById(targetId);
      if (target) {
        range.selectNodeContents(target);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
      }
      setMessage("Selected: press Ctrl+C (⌘C) to copy.");
    }
  };
  return (
    <span class="copy-button">
      <button type="button" class="btn btn-quiet btn-small" onClick={copy}>{label}</button>
      <span class="hint" aria-live="polite" role="status">{message}</span>
    </span>
  );
}
