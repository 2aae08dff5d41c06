/**
 * Logo images checked by their bytes, never by their name or declared type alone: PNG, JPEG and
 * WebP only (never SVG, which can carry script), the declared type must be the one the bytes
 * are, and the file must be whole (a truncated upload is refused rather than stored).
 *
 * | type | magic | structure checked |
 * | --- | --- | --- |
 * | `image/png` | `89 50 4E 47 0D 0A 1A 0A` | chunks walked with their CRC-32, `IHDR` first (non-zero size), `IEND` last, at the end |
 * | `image/jpeg` | `FF D8 FF` | marker segments walked to `SOS` with a frame header (`SOFn`) before it; ends with `FF D9` |
 * | `image/webp` | `RIFF` … `WEBP` | the RIFF size equals the file's; chunks walked to the end, the first `VP8 `/`VP8L`/`VP8X` |
 *
 * @module
 */

import { DomainError } from "../errors.ts";

/** The image types a logo may have. */
export const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
/** A logo's type. */
export type LogoType = (typeof LOGO_TYPES)[number];

/** The largest logo, in bytes (256 KiB). */
export const MAX_LOGO_BYTES = 256 * 1024;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/**
 * The image type the bytes start like (PNG, JPEG or WebP), or null for anything else (GIF, SVG,
 * text, …). Only the signature is looked at; {@linkcode isWholeImage} checks the rest.
 *
 * @example
 * ```ts
 * sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // "image/jpeg"
 * ```
 */
export function sniffImageType(bytes: Uint8Array): LogoType | null {
  if (startsWith(bytes, PNG_MAGIC)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") {
    return "image/webp";
  }
  return null;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as PNG uses it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function wholePng(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = PNG_MAGIC.length;
  let first = true;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) return false;
    if (view.getUint32(at + 8 + length) !== crc32(bytes.subarray(at + 4, at + 8 + length))) {
      return false;
    }
    if (first) {
      if (type !== "IHDR" || length !== 13) return false;
      if (view.getUint32(at + 8) === 0 || view.getUint32(at + 12) === 0) return false;
      first = false;
    }
    if (type === "IEND") return end === bytes.length;
    at = end;
  }
  return false;
}

function wholeJpeg(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 4 || bytes[n - 2] !== 0xff || bytes[n - 1] !== 0xd9) return false;
  let at = 2;
  let frame = false;
  while (at + 4 <= n) {
    if (bytes[at] !== 0xff) return false;
    let marker = bytes[at + 1];
    while (marker === 0xff && at + 2 < n) marker = bytes[++at + 1];
    at += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd8 || marker === 0xd9) return false; // a second start, or an early end
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length < 2 || at + length > n) return false;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) frame = true;
    if (marker === 0xda) return frame && at + length < n - 2;
    at += length;
  }
  return false;
}

function wholeWebp(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 20 || view.getUint32(4, true) + 8 !== bytes.length) return false;
  let at = 12;
  let first = true;
  while (at + 8 <= bytes.length) {
    const type = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    if (first && !["VP8 ", "VP8L", "VP8X"].includes(type)) return false;
    first = false;
    at += 8 + size + (size % 2);
    if (at > bytes.length) return false;
  }
  return !first && at === bytes.length;
}

/** True when `bytes` are a whole image of `type` (see the module's table). */
export function isWholeImage(bytes: Uint8Array, type: LogoType): boolean {
  if (sniffImageType(bytes) !== type) return false;
  switch (type) {
    case "image/png":
      return wholePng(bytes);
    case "image/jpeg":
      return wholeJpeg(bytes);
    case "image/webp":
      return wholeWebp(bytes);
  }
}

/** The media type without parameters, lower-cased (`Image/PNG; x=y` → `image/png`). */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

function unsupported(message: string, details: Record<string, unknown>): DomainError {
  return new DomainError("unprocessable", "unsupported_image", message, details);
}

/**
 * The logo's type, or a refusal: 422 `logo_too_large` over {@linkcode MAX_LOGO_BYTES};
 * 422 `unsupported_image` (with `details.reason`) when the declared type is not PNG, JPEG or
 * WebP (`type_not_accepted`), the bytes are another type (`type_mismatch`, with `detected`),
 * or the file is damaged or cut short (`malformed`).
 *
 * @example
 * ```ts
 * checkLogoImage(bytes, "image/png"); // "image/png", or throws
 * ```
 */
export function checkLogoImage(bytes: Uint8Array, declared: string | null | undefined): LogoType {
  if (bytes.length > MAX_LOGO_BYTES) {
    throw new DomainError(
      "unprocessable",
      "logo_too_large",
      `A logo may be at most ${MAX_LOGO_BYTES / 1024} KB`,
      { maxBytes: MAX_LOGO_BYTES, bytes: bytes.length },
    );
  }
  const type = mediaType(declared);
  if (!(LOGO_TYPES as readonly string[]).includes(type)) {
    throw unsupported("Upload the logo as a PNG, JPEG or WebP image", {
      reason: "type_not_accepted",
      accepted: LOGO_TYPES,
    });
  }
  const detected = sniffImageType(bytes);
  if (detected !== type) {
    throw unsupported(`The file is not a ${type.slice(6).toUpperCase()} image`, {
      reason: "type_mismatch",
      declared: type,
      detected,
    });
  }
  if (!isWholeImage(bytes, detected)) {
    throw unsupported("The image is damaged or incomplete; upload it again", {
      reason: "malformed",
    });
  }
  return detected;
}
