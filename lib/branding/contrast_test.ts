/**
 * WCAG 2.x contrast: relative luminance and ratios against published pairs (WebAIM's contrast
 * checker, the WCAG understanding documents), and the accent colour rule built on them.
 */

import assert from "node:assert/strict";
import {
  assertAccentContrast,
  contrastRatio,
  displayRatio,
  parseHexColor,
  relativeLuminance,
} from "./contrast.ts";
import { DomainError } from "../errors.ts";

Deno.test("relative luminance: black 0, white 1, primaries by their WCAG weights", () => {
  assert.equal(relativeLuminance("#000000"), 0);
  assert.equal(relativeLuminance("#ffffff"), 1);
  assert.ok(Math.abs(relativeLuminance("#ff0000") - 0.2126) < 1e-12);
  assert.ok(Math.abs(relativeLuminance("#00ff00") - 0.7152) < 1e-12);
  assert.ok(Math.abs(relativeLuminance("#0000ff") - 0.0722) < 1e-12);
  // The linear segment below the threshold: 10/255 → 0.0392 / 12.92.
  assert.ok(Math.abs(relativeLuminance("#0a0a0a") - (10 / 255) / 12.92) < 1e-12);
  // The power segment: 128/255 → ((0.50196 + 0.055) / 1.055) ^ 2.4 ≈ 0.21586.
  assert.ok(Math.abs(relativeLuminance("#808080") - 0.2158605) < 1e-6);
});

Deno.test("contrast ratios of known pairs against white", () => {
  const known: [string, number][] = [
    ["#000000", 21],
    ["#ffffff", 1],
    ["#767676", 4.54], // the lightest grey that passes AA
    ["#777777", 4.48],
    ["#808080", 3.95],
    ["#0000ff", 8.59],
    ["#ff0000", 4.0],
    ["#595959", 7.0],
    ["#0f766e", 5.47],
  ];
  for (const [color, ratio] of known) {
    const got = contrastRatio(color, "#ffffff");
    assert.ok(Math.abs(got - ratio) < 0.006, `${color}: ${got} ≈ ${ratio}`);
    assert.equal(contrastRatio("#ffffff", color), got, "order does not matter");
  }
  assert.equal(contrastRatio("#123456", "#123456"), 1);
});

Deno.test("the shown ratio is cut, never rounded up past the threshold", () => {
  assert.equal(displayRatio(4.4999), 4.49);
  assert.equal(displayRatio(4.5), 4.5);
  assert.equal(displayRatio(21), 21);
});

Deno.test("accent colours: 4.5:1 passes, below is 422 insufficient_contrast with the ratio", () => {
  assertAccentContrast(null);
  assertAccentContrast("#767676");
  assertAccentContrast("#000000");
  for (const [color, ratio] of [["#777777", 4.47], ["#ffffff", 1], ["#ff0000", 3.99]] as const) {
    assert.throws(() => assertAccentContrast(color), (err: unknown) => {
      assert.ok(err instanceof DomainError);
      assert.equal(err.kind, "unprocessable");
      assert.equal(err.code, "insufficient_contrast");
      assert.deepEqual(err.details, { ratio, required: 4.5 });
      return true;
    });
  }
});

Deno.test("only #RRGGBB parses", () => {
  assert.deepEqual(parseHexColor("#0F766e"), [15, 118, 110]);
  for (const bad of ["#fff", "0f766e", "#0f766g", "#0f766e0", "red"]) {
    assert.throws(() => parseHexColor(bad), TypeError, bad);
  }
});
