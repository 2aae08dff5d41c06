/**
 * Build the islands client: bundle `islands/client.ts` for the browser with `deno bundle`
 * (minified), name it by a hash of its content (`static/build/islands-<hash>.js`, served as
 * immutable) and record the name in `static/build/manifest.json`, which the page layout reads.
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

/**
 * Bundle the islands client and update the manifest.
 *
 * @returns the bundle's file name inside `static/build/` and its size in bytes
 * @throws Error with `deno bundle`'s output when bundling fails
 */
export async function buildIslands(): Promise<{ file: string; bytes: number }> {
  await Deno.mkdir(OUT, { recursive: true });
  const tmp = new URL(`.islands-${crypto.randomUUID()}.js`, OUT);
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "browser",
      "--minify",
      "--output",
      fileURLToPath(tmp),
      fileURLToPath(ENTRY),
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
  const file = `islands-${(await sha256Hex(bytes)).slice(0, 16)}.js`;
  await Deno.rename(tmp, new URL(file, OUT));
  const manifest: BuildManifest = { islands: file };
  await writeAtomic(new URL("manifest.json", OUT), JSON.stringify(manifest, null, 2) + "\n");
  for await (const e of Deno.readDir(OUT)) {
    if (e.isFile && /^islands-[0-9a-f]+\.js$/.test(e.name) && e.name !== file) {
      await Deno.remove(new URL(e.name, OUT)).catch(() => {});
    }
  }
  return { file, bytes: bytes.length };
}

if (import.meta.main) {
  const { file, bytes } = await buildIslands();
  console.log(`built static/build/${file} (${(bytes / 1024).toFixed(1)} KiB)`);
}
