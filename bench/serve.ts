/**
 * Serving helper shared by the bench servers: listen on a free loopback port, announce it on
 * stdout as one JSON line, and shut down cleanly on SIGTERM or SIGINT.
 *
 * @module
 */

/**
 * Serve `handler` on `127.0.0.1` at a free port and print `{"port": n}` once listening.
 * On SIGTERM/SIGINT the server drains, `onClose` runs and the process exits.
 *
 * @example
 * ```ts
 * listenAndAnnounce((req) => new Response("ok"), () => kv.close());
 * ```
 */
export function listenAndAnnounce(
  handler: Deno.ServeHandler<Deno.NetAddr>,
  onClose: () => void,
): Deno.HttpServer<Deno.NetAddr> {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(JSON.stringify({ port })),
  }, handler);
  const stop = async () => {
    await server.shutdown();
    onClose();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  return server;
}
