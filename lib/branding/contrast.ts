/**
 * Colour contrast per WCAG 2.x: the relative luminance of an sRGB colour and the contrast ratio
 * of two colours, used to refuse an accent colour that white text on it (buttons, the header)
 * could not be read against. AA for normal text asks for 4.5:1.
 *
 * Relative luminance (WCAG 2.x, "relative luminance"): each 8-bit channel `v` becomes
 * `c = v / 255`, linearized as `c / 12.92` when `c <= 0.04045`, else `((c + 0.055) / 1.055) ^ 2.4`,
 * and `L = 0.2126 R + 0.7152 G + 0.0722 B`. (WCAG 2.0/2.1 print the threshold as 0.03928, an
 * older sRGB draft's value; no 8-bit channel lies between the two, so the results are identical.)
 * The contrast ratio is `(L1 + 0.05) / (L2 + 0.05)` with `L1` the lighter colour.
 *
 * @module
 */

import { DomainError } from "../errors.ts";

/** WCAG AA minimum contrast for normal text. */
export const REQUIRED_CONTRAST = 4.5;

/** `#RRGGBB` (either case). */
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** The 8-bit channels of `#RRGGBB`; throws a `TypeError` for anything else. */
export function parseHexColor(hex: string): [number, number, number] {
  if (!HEX_COLOR.test(hex)) throw new TypeError(`not a #RRGGBB colour: ${hex}`);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** One linearized sRGB channel (0–1) of an 8-bit value. */
function linear(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/**
 * The WCAG relative luminance of `#RRGGBB`, 0 (black) to 1 (white).
 *
 * @example
 * ```ts
 * relativeLuminance("#ffffff"); // 1
 * relativeLuminance("#000000"); // 0
 * ```
 */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHexColor(hex).map(linear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The WCAG contrast ratio of two colours, 1 to 21 (order does not matter).
 *
 * @example
 * ```ts
 * contrastRatio("#767676", "#ffffff"); // ≈ 4.54
 * ```
 */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * A ratio as shown to people: cut (never rounded up) to two decimals, so a colour shown as
 * "4.50" really reaches 4.5.
 */
export function displayRatio(ratio: number): number {
  return Math.floor(ratio * 100) / 100;
}

/**
 * Throw 422 `insufficient_contrast` (details `{ratio, required: 4.5}`) when white text on
 * `color` would have less than {@linkcode REQUIRED_CONTRAST}. Null (no accent colour) passes.
 *
 * @example
 * ```ts
 * assertAccentContrast("#0f766e"); // passes (5.47:1)
 * assertAccentContrast("#ff0000"); // 422, ratio 3.99
 * ```
 */
export function assertAccentContrast(color: string | null): void {
  if (color === null) return;
  const ratio = contrastRatio(color, "#ffffff");
  if (ratio < REQUIRED_CONTRAST) {
    throw new DomainError(
      "unprocessable",
      "insufficient_contrast",
      `White text on ${color} has a contrast of ${displayRatio(ratio)}:1; ` +
        `choose a darker colour (at least ${REQUIRED_CONTRAST}:1)`,
      { ratio: displayRatio(ratio), required: REQUIRED_CONTRAST },
    );
  }
}
