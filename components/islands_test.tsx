import assert from "node:assert/strict";
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import {
  island,
  IslandCollector,
  IslandsContext,
  IslandScripts,
  serializeIslandProps,
} from "./islands.tsx";

const TimeZoneGuess = island("TimeZoneGuess");

function render(children: ComponentChildren): string {
  return renderToString(
    <IslandsContext.Provider value={new IslandCollector()}>
      <body>
        {children}
        <IslandScripts />
      </body>
    </IslandsContext.Provider>,
  );
}

function dataBlock(html: string): string {
  const m = html.match(/<script type="application\/json" id="__islands">([\s\S]*?)<\/script>/);
  assert.ok(m, "data block present");
  return m[1];
}

Deno.test("serializeIslandProps escapes what could end the script element", () => {
  const hostile = {
    a: "</script><script>alert(1)</script>",
    b: "<!-- <script>",
    c: "&amp; > \u2028\u2029",
  };
  const text = serializeIslandProps({ i0: hostile });
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), { i0: hostile });
});

Deno.test("an island renders inside its marker and its props land in the data block", () => {
  const html = render(
    <>
      <p>before</p>
      <TimeZoneGuess selectId="tz" defaultZone="</script><b>x</b>" enabled />
      <TimeZoneGuess selectId="other" defaultZone="UTC" enabled={false} />
    </>,
  );
  assert.match(
    html,
    /<div class="island" data-island="TimeZoneGuess" data-props-id="i0"><p class="hint" aria-live="polite"><\/p><\/div>/,
  );
  assert.match(html, /data-props-id="i1"/);
  const block = dataBlock(html);
  assert.equal(block.includes("</script"), false);
  assert.deepEqual(JSON.parse(block), {
    i0: { selectId: "tz", defaultZone: "</script><b>x</b>", enabled: true },
    i1: { selectId: "other", defaultZone: "UTC", enabled: false },
  });
  // Exactly one data block and at most one module script, after the islands.
  assert.equal(html.match(/id="__islands"/g)?.length, 1);
  assert.ok(html.indexOf('id="__islands"') > html.indexOf('data-props-id="i1"'));
  const modules = html.match(
    /<script type="module" src="\/static\/build\/islands-[0-9a-f]+\.js">/g,
  );
  assert.ok(modules === null || modules.length === 1);
});

Deno.test("a page without islands gets no script at all", () => {
  const html = render(<p>static page</p>);
  assert.equal(html.includes("<script"), false);
});

Deno.test("each render has its own collector and ids start at i0", () => {
  const first = render(<TimeZoneGuess selectId="a" defaultZone="UTC" enabled />);
  const second = render(<TimeZoneGuess selectId="b" defaultZone="UTC" enabled />);
  assert.deepEqual(Object.keys(JSON.parse(dataBlock(first))), ["i0"]);
  assert.deepEqual(JSON.parse(dataBlock(second)).i0.selectId, "b");
});

Deno.test("rendering an island outside a page render is a clear error", () => {
  assert.throws(
    () => renderToString(<TimeZoneGuess selectId="a" defaultZone="UTC" enabled />),
    /outside a page render/,
  );
});
