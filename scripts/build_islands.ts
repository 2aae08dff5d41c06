/**
 * Build the browser bundles with `deno bundle` (minified), each named by a hash of its content
 * (served as immutable), and record the names in `static/build/manifest.json`, which the pages
 * read:
 *
 * - `islands/client.ts` → `static/build/islands-<hash>.js`, the app pages' islands;
 * - `islands/kiosk/main.tsx` → `static/build/kiosk-<hash>.js`, the kiosk page's own bundle (the
 *   kiosk never loads the app's), with its stylesheet `static/kiosk/kiosk.css` copied to
 *   `static/build/kiosk-<hash>.css`.
 *
 * Older bundles are removed.
 *
 * Run with `deno task build`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { BuildManifest } from "../components/assets.ts";

const ROOT = new URL("../", import.meta.url);
const OUT = new URL("static/build/", ROOT);
const ENTRY = new URL("islands/client.ts", ROOT);
const KIOSK_ENTRY = new URL("islands/kiosk/main.tsx", ROOT);
const KIOSK_CSS = new URL("static/kiosk/kiosk.css", ROOT);

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Write `text` to `url` atomically (temporary file, then rename). */
async function writeAtomic(url: URL, text: string): Promise<void> {
  const tmp = new URL(`${url.href}.${crypto.randomUUID()}.tmp`);
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, url);
}

/** Bundle `entry` into `static/build/<prefix>-<hash>.js`; returns the file name and its bytes. */
async function bundle(entry: URL, prefix: string): Promise<{ file: string; bytes: number }> {
  const tmp = new URL(`.${prefix}-${crypto.randomUUID()}.js`, OUT);
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "browser",
      "--minify",
      "--output",
      fileURLToPath(tmp),
      fileURLToPath(entry),
    ],
    cwd: fileURLToPath(ROOT),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(stderr)}`);
  }
  const bytes = await Deno.readFile(tmp);
  const file = `${prefix}-${(await sha256Hex(bytes)).slice(0, 16)}.js`;
  await Deno.rename(tmp, new URL(file, OUT));
  return { file, bytes: bytes.length };
}

/** Copy `source` to `static/build/<prefix>-<hash>.<ext>`; returns the file name. */
async function copyHashed(source: URL, prefix: string, ext: string): Promise<string> {
  const bytes = await Deno.readFile(source);
  const file = `${prefix}-${(await sha256Hex(bytes)).slice(0, 16)}.${ext}`;
  const tmp = new URL(`.${file}.${crypto.randomUUID()}.tmp`, OUT);
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, new URL(file, OUT));
  return file;
}

/**
 * Bundle the islands client and the kiosk, and update the manifest.
 *
 * @returns the islands bundle's file name inside `static/build/` and its size in bytes, and the
 *   kiosk's script and stylesheet names
 * @throws Error with `deno bundle`'s output when bundling fails
 */
export async function buildIslands(): Promise<
  { file: string; bytes: number; kiosk: BuildManifest["kiosk"] }
> {
  await Deno.mkdir(OUT, { recursive: true });
  const [islands, kioskScript, kioskStyle] = await Promise.all([
    bundle(ENTRY, "islands"),
    bundle(KIOSK_ENTRY, "kiosk"),
    copyHashed(KIOSK_CSS, "kiosk", "css"),
  ]);
  const manifest: BuildManifest = {
    islands: islands.file,
    kiosk: { script: kioskScript.file, style: kioskStyle },
  };
  await writeAtomic(new URL("manifest.json", OUT), JSON.stringify(manifest, null, 2) + "\n");
  const keep = new Set([islands.file, kioskScript.file, kioskStyle]);
  for await (const e of Deno.readDir(OUT)) {
    if (e.isFile && /^(islands|kiosk)-[0-9a-f]+\.(js|css)$/.test(e.name) && !keep.has(e.name)) {
      await Deno.remove(new URL(e.name, OUT)).catch(() => {});
    }
  }
  return { ...islands, kiosk: manifest.kiosk };
}

if (import.meta.main) {
  const { file, bytes, kiosk } = await buildIslands();
  console.log(`built static/build/${file} (${(bytes / 1024).toFixed(1)} KiB)`);
  console.log(`built static/build/${kiosk.script} and static/build/${kiosk.style}`);
}
