// Starts the API reference on /docs/api (routes/pages/api_docs.tsx) from the vendored
// Swagger UI. A file of its own because the CSP allows no inline script.
"use strict";
globalThis.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("api-reference");
  globalThis.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    // No calls to the public validator service: this page loads nothing from elsewhere.
    validatorUrl: null,
    // Requests from "Try it out" go to this server with the browser's own session cookie.
    withCredentials: true,
    presets: [globalThis.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
