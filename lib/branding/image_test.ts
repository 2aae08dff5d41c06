/**
 * Logo byte checks: the three accepted types by their magic numbers and structure, refusals of
 * other types, mismatched declarations, damaged and cut-short files, and the size limit.
 */

import assert from "node:assert/strict";
import { checkLogoImage, crc32, isWholeImage, mediaType, sniffImageType } from "./image.ts";
import { DomainError } from "../errors.ts";
import { GIF, JPEG, PNG, SVG, WEBP } from "../../tests/fixtures/images.ts";

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError);
    return err;
  }
  assert.fail("expected a refusal");
}

Deno.test("CRC-32 matches the reference value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

Deno.test("sniffing: PNG, JPEG and WebP by their signatures; GIF, SVG and text are none", () => {
  assert.equal(sniffImageType(PNG), "image/png");
  assert.equal(sniffImageType(JPEG), "image/jpeg");
  assert.equal(sniffImageType(WEBP), "image/webp");
  for (const other of [GIF, SVG, new TextEncoder().encode("RIFF....AVI "), new Uint8Array(0)]) {
    assert.equal(sniffImageType(other), null);
  }
});

Deno.test("whole images pass; every cut-short version of them fails", () => {
  for (
    const [bytes, type] of [[PNG, "image/png"], [JPEG, "image/jpeg"], [WEBP, "image/webp"]] as const
  ) {
    assert.ok(isWholeImage(bytes, type), type);
    for (let cut = 1; cut < bytes.length - 2; cut += Math.max(1, Math.floor(bytes.length / 60))) {
      assert.ok(!isWholeImage(bytes.subarray(0, bytes.length - cut), type), `${type} - ${cut}`);
    }
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes);
    assert.ok(!isWholeImage(padded, type), `${type} with trailing bytes`);
  }
});

Deno.test("checkLogoImage: the declared type must be accepted and be what the bytes are", () => {
  assert.equal(checkLogoImage(PNG, "image/png"), "image/png");
  assert.equal(checkLogoImage(JPEG, "IMAGE/JPEG; charset=binary"), "image/jpeg");
  assert.equal(checkLogoImage(WEBP, "image/webp"), "image/webp");
  const cases: [Uint8Array, string | null, string][] = [
    [PNG, "image/jpeg", "type_mismatch"],
    [GIF, "image/gif", "type_not_accepted"],
    [GIF, "image/png", "type_mismatch"],
    [SVG, "image/svg+xml", "type_not_accepted"],
    [SVG, "image/webp", "type_mismatch"],
    [PNG, null, "type_not_accepted"],
    [PNG.subarray(0, 60), "image/png", "malformed"],
  ];
  for (const [bytes, type, reason] of cases) {
    const err = refusal(() => checkLogoImage(bytes, type));
    assert.equal(err.code, "unsupported_image", `${type}`);
    assert.equal((err.details as { reason: string }).reason, reason, `${type}`);
  }
  const big = new Uint8Array(256 * 1024 + 1);
  big.set(PNG);
  assert.equal(refusal(() => checkLogoImage(big, "image/png")).code, "logo_too_large");
});

Deno.test("media types are compared without parameters and case", () => {
  assert.equal(mediaType(" Image/PNG ; q=1"), "image/png");
  assert.equal(mediaType(undefined), "");
});
