import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { useFeature, withFeatures } from "../islands/features.ts";

function Probe() {
  return <p>{useFeature("geofencing") ? "fence on" : "fence off"}</p>;
}

Deno.test("useFeature reads the enabledFeatures the page passed to the island", () => {
  const on = withFeatures({ enabledFeatures: ["geofencing", "pto"] }, <Probe />);
  assert.equal(renderToString(on), "<p>fence on</p>");
  const off = withFeatures({ enabledFeatures: ["pto"] }, <Probe />);
  assert.equal(renderToString(off), "<p>fence off</p>");
  // Without a list, an island shows nothing gated (the server decides; islands only hide).
  assert.equal(renderToString(withFeatures({}, <Probe />)), "<p>fence off</p>");
});
