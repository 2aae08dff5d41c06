/**
 * The layering rules of docs/architecture.md, checked on the source tree:
 *
 * - outside `lib/kv`, the store is imported only through `lib/kv/mod.ts`;
 * - only `lib/kv` opens Deno KV;
 * - `components/` and `islands/` never import `lib/kv`;
 * - `lib/` never imports Hono or `routes/`.
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
/** Not source: dependencies, databases and generated bundles. */
const SKIP = new Set([".git", "node_modules", "data", "static/build"]);
const SOURCE = /\.(ts|tsx|js|jsx|mts|mjs)$/;
/**
 * Directories allowed to open Deno KV themselves, each with its reason. Keep this short.
 * - `bench/`: load tests measure a bare Deno KV server as the baseline the app is compared to;
 *   they are tooling, not part of the app.
 */
const MAY_OPEN_KV = ["lib/kv", "bench"];

/** Paths (relative to the project root, with `/`) of every source file. */
async function sourceFiles(dir = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir || ".", ROOT))) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory) {
      if (!SKIP.has(rel)) out.push(...await sourceFiles(rel));
    } else if (entry.isFile && SOURCE.test(entry.name)) {
      out.push(rel);
    }
  }
  return out.sort();
}

/** Every module specifier imported or re-exported by `source` (static and dynamic). */
export function importsOf(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const p of patterns) for (const m of code.matchAll(p)) out.push(m[1]);
  return out;
}

/** `specifier` imported from `file`, resolved to a project-relative path (bare ones unchanged). */
function resolve(file: string, specifier: string): string {
  if (!specifier.startsWith(".") && !specifier.startsWith("/")) return specifier;
  const url = new URL(specifier, new URL(file, ROOT));
  return url.href.startsWith(ROOT.href) ? url.href.slice(ROOT.href.length) : url.href;
}

interface Module {
  file: string;
  source: string;
  imports: { specifier: string; target: string }[];
}

async function modules(): Promise<Module[]> {
  const out: Module[] = [];
  for (const file of await sourceFiles()) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    out.push({
      file,
      source,
      imports: importsOf(source).map((specifier) => ({
        specifier,
        target: resolve(file, specifier),
      })),
    });
  }
  return out;
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

Deno.test("the import scanner finds static, type, re-export and dynamic imports", () => {
  const sample = [
    `import { a } from "./a.ts";`,
    `import type { B } from '../b.ts';`,
    `import {\n  c,\n  d,\n} from "../../lib/kv/store.ts";`,
    `export { e } from "./e.ts";`,
    `export * from "./f.ts";`,
    `import "./side-effect.ts";`,
    `const g = await import("./g.ts");`,
    `// import { no } from "./commented.ts";`,
    `/* import { no } from "./block.ts"; */`,
    `import { Hono } from "hono";`,
  ].join("\n");
  assert.deepEqual(importsOf(sample).sort(), [
    "../../lib/kv/store.ts",
    "../b.ts",
    "./a.ts",
    "./e.ts",
    "./f.ts",
    "./g.ts",
    "./side-effect.ts",
    "hono",
  ]);
  assert.equal(resolve("routes/api/x.ts", "../../lib/kv/store.ts"), "lib/kv/store.ts");
  assert.equal(resolve("lib/kv/a.ts", "./b.ts"), "lib/kv/b.ts");
  assert.equal(resolve("lib/a.ts", "npm:hono@4"), "npm:hono@4");
});

Deno.test("the scan sees the whole tree", async () => {
  const mods = await modules();
  const files = mods.map((m) => m.file);
  for (const f of ["app.ts", "lib/kv/store.ts", "lib/kv/mod.ts", "routes/api/mod.ts"]) {
    assert.ok(files.includes(f), `scanned ${f}`);
  }
  // Thin routes no longer import the store; a repository does.
  const repository = mods.find((m) => m.file === "lib/entries/repository.ts")!;
  assert.ok(repository.imports.some((i) => i.target === "lib/kv/mod.ts"), "imports are resolved");
});

Deno.test("outside lib/kv, the store is imported only through lib/kv/mod.ts", async () => {
  const offenders = (await modules()).flatMap((m) =>
    under(m.file, "lib/kv") ? [] : m.imports
      .filter((i) => under(i.target, "lib/kv") && i.target !== "lib/kv/mod.ts")
      .map((i) => `${m.file} imports ${i.specifier}`)
  );
  assert.deepEqual(offenders, []);
});

Deno.test("only lib/kv opens Deno KV", async () => {
  const openKv = new RegExp(["Deno", "\\s*(?:\\.|\\[\\s*['\"])\\s*", "openKv"].join(""));
  const offenders = (await modules())
    .filter((m) => !MAY_OPEN_KV.some((d) => under(m.file, d)) && openKv.test(m.source))
    .map((m) => m.file);
  assert.deepEqual(offenders, []);
  const store = (await modules()).find((m) => m.file === "lib/kv/store.ts")!;
  assert.match(store.source, openKv, "the pattern does find the store's own call");
});

Deno.test("components/ and islands/ never import lib/kv", async () => {
  const offenders = (await modules()).flatMap((m) =>
    under(m.file, "components") || under(m.file, "islands")
      ? m.imports.filter((i) => under(i.target, "lib/kv")).map((i) => `${m.file} → ${i.specifier}`)
      : []
  );
  assert.deepEqual(offenders, []);
});

Deno.test("lib/ never imports Hono or routes/", async () => {
  const isHono = (s: string) => /^(npm:|jsr:@hono\/)?hono(@[^/]*)?(\/|$)/.test(s);
  const offenders = (await modules()).flatMap((m) =>
    under(m.file, "lib")
      ? m.imports
        .filter((i) => isHono(i.specifier) || under(i.target, "routes"))
        .map((i) => `${m.file} → ${i.specifier}`)
      : []
  );
  assert.deepEqual(offenders, []);
  assert.ok(isHono("hono") && isHono("hono/cookie") && isHono("npm:hono@4.13.19"));
  assert.ok(!isHono("./honorific.ts") && !isHono("honor"));
});
