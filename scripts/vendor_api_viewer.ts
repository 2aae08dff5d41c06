/**
 * `deno task vendor:api-viewer`: copy the API reference viewer (Swagger UI, `swagger-ui-dist`
 * from npm, pinned) into `static/vendor/swagger-ui/`, so `/docs/api` loads nothing from a CDN.
 * The files are committed; run this only to change the version. The source-map comment is
 * dropped (the map is not vendored, and a missing map would be a 404 in the browser's tools).
 *
 * @module
 */

/** The vendored version. */
export const SWAGGER_UI_VERSION = "5.35.0";

/** Where the files go. */
export const VIEWER_DIR = new URL("../static/vendor/swagger-ui/", import.meta.url);

const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"];

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}

if (import.meta.main) {
  const tmp = await Deno.makeTempDir();
  try {
    const spec = `swagger-ui-dist@${SWAGGER_UI_VERSION}`;
    const tarball = (await run("npm", ["pack", spec, "--silent"], tmp)).trim().split("\n").pop()!;
    await run("tar", ["-xzf", tarball], tmp);
    await Deno.mkdir(VIEWER_DIR, { recursive: true });
    for (const name of FILES) {
      let text = await Deno.readTextFile(`${tmp}/package/${name}`);
      text = text.replace(/\n?\/[/*]# sourceMappingURL=[^\n]*\s*$/, "\n");
      await Deno.writeTextFile(new URL(name, VIEWER_DIR), text);
    }
    await Deno.writeTextFile(
      new URL("VERSION", VIEWER_DIR),
      `${spec} (npm), vendored by scripts/vendor_api_viewer.ts\n`,
    );
    console.log(`vendored ${spec} into ${VIEWER_DIR.pathname}`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}
