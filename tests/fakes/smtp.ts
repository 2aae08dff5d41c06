/**
 * A loopback SMTP responder for tests of the SMTP mail adapter: it speaks just enough SMTP for a
 * client (nodemailer) and records what it received.
 *
 * @module
 */

/** What a loopback SMTP responder received in one session. */
export interface Received {
  ehlo: string | null;
  auth: string | null;
  from: string | null;
  to: string[];
  data: string;
}

/**
 * A tiny SMTP responder on a loopback port, speaking just enough of RFC 5321 for a client:
 * EHLO (advertising AUTH PLAIN LOGIN, no STARTTLS), AUTH PLAIN, MAIL FROM, RCPT TO, DATA, QUIT.
 * `rejectAuth` answers 535 to AUTH.
 */
export function smtpResponder(options: { rejectAuth?: boolean } = {}) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sessions: Received[] = [];
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const serve = async (conn: Deno.Conn) => {
    const got: Received = { ehlo: null, auth: null, from: null, to: [], data: "" };
    sessions.push(got);
    const say = (line: string) => conn.write(enc.encode(`${line}\r\n`));
    await say("220 loopback ESMTP ready");
    let buffer = "";
    let inData = false;
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        buffer += dec.decode(buf.subarray(0, n));
        while (true) {
          if (inData) {
            const end = buffer.indexOf("\r\n.\r\n");
            if (end < 0) break;
            got.data = buffer.slice(0, end);
            buffer = buffer.slice(end + 5);
            inData = false;
            await say("250 2.0.0 queued");
            continue;
          }
          const nl = buffer.indexOf("\r\n");
          if (nl < 0) break;
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 2);
          const verb = line.split(" ")[0].toUpperCase();
          if (verb === "EHLO" || verb === "HELO") {
            got.ehlo = line.slice(5);
            await say("250-loopback greets you");
            await say("250-AUTH PLAIN LOGIN");
            await say("250 8BITMIME");
          } else if (verb === "AUTH") {
            got.auth = line;
            await say(options.rejectAuth ? "535 5.7.8 bad credentials" : "235 2.7.0 ok");
          } else if (verb === "MAIL") {
            got.from = line;
            await say("250 2.1.0 ok");
          } else if (verb === "RCPT") {
            got.to.push(line);
            await say("250 2.1.5 ok");
          } else if (verb === "DATA") {
            inData = true;
            await say("354 end with <CRLF>.<CRLF>");
          } else if (verb === "QUIT") {
            await say("221 2.0.0 bye");
            conn.close();
            return;
          } else if (verb === "RSET" || verb === "NOOP") {
            await say("250 ok");
          } else {
            await say("502 5.5.2 not implemented");
          }
        }
      }
    } catch {
      // the client hung up
    }
    try {
      conn.close();
    } catch {
      // already closed
    }
  };
  const conns: Promise<void>[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) conns.push(serve(conn));
    } catch {
      // closed
    }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    port,
    sessions,
    async close() {
      listener.close();
      await accepting;
      await Promise.all(conns);
    },
  };
}
