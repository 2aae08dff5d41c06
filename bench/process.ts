/**
 * Bench servers as child processes, so the load generator never shares their event loop.
 *
 * @module
 */

/** A running bench server. */
export interface ServerProcess {
  /** `http://127.0.0.1:port` */
  baseUrl: string;
  /** The child's process id. */
  pid: number;
  /** Stop it (SIGTERM, then SIGKILL after 5 s) and wait for it to exit. */
  close(): Promise<void>;
}

/**
 * Start `deno run -A <script> ...args` and wait (at most 60 s) for the `{"port": n}` line it
 * prints when listening.
 */
export async function startServer(
  script: URL,
  args: string[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname, ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    while (!seen.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${script.pathname} exited before listening`);
      seen += value;
    }
  } finally {
    clearTimeout(timer);
  }
  const { port } = JSON.parse(seen.split("\n")[0]);
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async close() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const force = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 5_000);
      await child.status;
      clearTimeout(force);
    },
  };
}
