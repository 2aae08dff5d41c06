/**
 * Helpers of the branding tests: raw image bodies through a test client, a valid PNG of any
 * size, and the stored logo keys.
 *
 * @module
 */

import type { Client, TestApp } from "../helpers.ts";
import type { JsonAnswer } from "./support.ts";
import { crc32 } from "../../lib/branding/image.ts";
import { PNG } from "../fixtures/images.ts";

/** Send `bytes` as the raw body of `method path` with `contentType`, with the client's cookies. */
export async function sendBytes(
  client: Client,
  method: string,
  path: string,
  bytes: Uint8Array,
  contentType: string | null,
  headers: Record<string, string> = {},
) {
  const h = new Headers(headers);
  if (contentType !== null) h.set("content-type", contentType);
  if (client.cookies.size) {
    h.set("cookie", [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
  }
  const res = await client.app.fetch(
    new Request(client.base + path, {
      method,
      headers: h,
      body: bytes as Uint8Array<ArrayBuffer>,
    }),
  );
  const text = await res.text();
  const json = /json/.test(res.headers.get("content-type") ?? "");
  return {
    status: res.status,
    body: (text && json ? JSON.parse(text) : text) as JsonAnswer["body"],
    headers: res.headers,
  };
}

/** The logo route of `orgId`. */
export const logoPath = (orgId: string) => `/api/v1/orgs/${orgId}/branding/logo`;

/**
 * A valid PNG of exactly `size` bytes: the 16 × 16 fixture with a private ancillary chunk
 * (`ruSt`, ignored by decoders) of filler inserted after `IHDR`, its CRC computed.
 */
export function pngOfSize(size: number): Uint8Array {
  const ihdrEnd = 8 + 12 + 13;
  const fill = size - PNG.length - 12;
  if (fill < 0) throw new RangeError(`a PNG is at least ${PNG.length + 12} bytes here`);
  const chunk = new Uint8Array(12 + fill);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, fill);
  chunk.set(new TextEncoder().encode("ruSt"), 4);
  for (let i = 0; i < fill; i++) chunk[8 + i] = (i * 31 + 7) & 0xff;
  view.setUint32(8 + fill, crc32(chunk.subarray(4, 8 + fill)));
  const out = new Uint8Array(size);
  out.set(PNG.subarray(0, ihdrEnd), 0);
  out.set(chunk, ihdrEnd);
  out.set(PNG.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}

/** Keys under `["org", orgId, "branding_logo_chunk"]`, as JSON text. */
export async function logoChunkKeys(app: TestApp, orgId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of app.store.listAll()) {
    if (e.key[0] === "org" && e.key[1] === orgId && e.key[2] === "branding_logo_chunk") {
      out.push(JSON.stringify(e.key.slice(3)));
    }
  }
  return out;
}
