/**
 * A loopback DNS responder for tests: a UDP server on 127.0.0.1 that answers TXT queries from a
 * table, speaking RFC 1035 (header, question, answer records; names compressed by pointer to the
 * question). `Deno.resolveDns(name, "TXT", {nameServer: {ipAddr: "127.0.0.1", port}})` — the
 * app's custom domain check with `DNS_NAMESERVER` — asks it like any name server.
 *
 * Names it has no records for answer NXDOMAIN; other query types of a known name answer
 * NOERROR with no records (NODATA). Additional records of a query (EDNS `OPT`) are ignored.
 *
 * @module
 */

import dgram from "node:dgram";

/** DNS record type TXT. */
export const TYPE_TXT = 16;
/** Class IN. */
export const CLASS_IN = 1;

/** A question of a DNS message. */
export interface Question {
  name: string;
  type: number;
  class: number;
}

/** The parts of a DNS message the responder reads. */
export interface Message {
  id: number;
  flags: number;
  questions: Question[];
  /** Where the question section ends (the answer is built after a copy of it). */
  questionEnd: number;
}

/** Decode a (possibly compressed) name at `at`; returns it and the offset after it. */
function readName(buf: Uint8Array, at: number): { name: string; next: number } {
  const labels: string[] = [];
  let next = -1;
  let jumps = 0;
  for (;;) {
    if (at >= buf.length) throw new RangeError("name runs past the message");
    const len = buf[at];
    if (len === 0) {
      at += 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (++jumps > 16) throw new RangeError("too many compression pointers");
      if (next < 0) next = at + 2;
      at = ((len & 0x3f) << 8) | buf[at + 1];
      continue;
    }
    if (len > 63) throw new RangeError("label longer than 63");
    labels.push(new TextDecoder().decode(buf.subarray(at + 1, at + 1 + len)));
    at += 1 + len;
  }
  return { name: labels.join("."), next: next < 0 ? at : next };
}

/**
 * Decode a DNS message's header and questions (RFC 1035 §4.1).
 *
 * @example
 * ```ts
 * decodeMessage(encodeQuery(7, "_clockflow.example.com", TYPE_TXT)).questions[0].name;
 * ```
 */
export function decodeMessage(buf: Uint8Array): Message {
  if (buf.length < 12) throw new RangeError("shorter than a DNS header");
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = view.getUint16(4);
  const questions: Question[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    const { name, next } = readName(buf, at);
    if (next + 4 > buf.length) throw new RangeError("question runs past the message");
    questions.push({ name, type: view.getUint16(next), class: view.getUint16(next + 2) });
    at = next + 4;
  }
  return { id: view.getUint16(0), flags: view.getUint16(2), questions, questionEnd: at };
}

/** Encode `name` as labels (no compression). */
export function encodeName(name: string): Uint8Array {
  const parts = name.replace(/\.$/, "").split(".").filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    const bytes = new TextEncoder().encode(p);
    if (bytes.length > 63) throw new RangeError(`label too long: ${p}`);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return new Uint8Array(out);
}

/** A query for `name` of `type` with id `id`, recursion desired (what a stub resolver sends). */
export function encodeQuery(id: number, name: string, type: number): Uint8Array {
  const qname = encodeName(name);
  const out = new Uint8Array(12 + qname.length + 4);
  const view = new DataView(out.buffer);
  view.setUint16(0, id);
  view.setUint16(2, 0x0100); // RD
  view.setUint16(4, 1);
  out.set(qname, 12);
  view.setUint16(12 + qname.length, type);
  view.setUint16(14 + qname.length, CLASS_IN);
  return out;
}

/** TXT RDATA: each value split into ≤ 255-byte character-strings. */
function txtData(value: string): number[] {
  const bytes = new TextEncoder().encode(value);
  const out: number[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += 255) {
    const part = bytes.subarray(i, i + 255);
    out.push(part.length, ...part);
  }
  return out;
}

/**
 * The answer to `query` (its bytes and decoded form): the header with QR, AA and RA set and RD
 * copied, the question copied, and one TXT record per value (`values` null: NXDOMAIN).
 */
export function encodeTxtResponse(
  query: Uint8Array,
  message: Message,
  values: string[] | null,
  ttl = 60,
): Uint8Array {
  const q = message.questions[0];
  const answers = values && q && q.type === TYPE_TXT ? values : [];
  const records: number[] = [];
  for (const v of answers) {
    const data = txtData(v);
    records.push(
      0xc0,
      0x0c, // the name: a pointer to the question's (offset 12)
      0,
      TYPE_TXT,
      0,
      CLASS_IN,
      (ttl >>> 24) & 0xff,
      (ttl >>> 16) & 0xff,
      (ttl >>> 8) & 0xff,
      ttl & 0xff,
      (data.length >>> 8) & 0xff,
      data.length & 0xff,
      ...data,
    );
  }
  const question = query.subarray(12, message.questionEnd);
  const out = new Uint8Array(12 + question.length + records.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, message.id);
  const opcode = message.flags & 0x7800;
  const rd = message.flags & 0x0100;
  const rcode = values === null ? 3 : 0; // NXDOMAIN : NOERROR
  view.setUint16(2, 0x8000 | opcode | 0x0400 | rd | 0x0080 | rcode); // QR, AA, RA
  view.setUint16(4, message.questions.length);
  view.setUint16(6, answers.length);
  out.set(question, 12);
  out.set(records, 12 + question.length);
  return out;
}

/** The TXT values of the first answer records of a response (for the responder's own tests). */
export function decodeTxtAnswers(buf: Uint8Array): { rcode: number; values: string[] } {
  const message = decodeMessage(buf);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = view.getUint16(6);
  const values: string[] = [];
  let at = message.questionEnd;
  for (let i = 0; i < count; i++) {
    const { next } = readName(buf, at);
    const type = view.getUint16(next);
    const length = view.getUint16(next + 8);
    const data = buf.subarray(next + 10, next + 10 + length);
    if (type === TYPE_TXT) {
      let text = "";
      for (let j = 0; j < data.length; j += 1 + data[j]) {
        text += new TextDecoder().decode(data.subarray(j + 1, j + 1 + data[j]));
      }
      values.push(text);
    }
    at = next + 10 + length;
  }
  return { rcode: message.flags & 0x0f, values };
}

/** A running responder. */
export class FakeDns {
  /** TXT values by lower-case name. */
  readonly txt = new Map<string, string[]>();
  /** Every question asked, in order. */
  readonly asked: Question[] = [];

  private constructor(private readonly socket: dgram.Socket, readonly port: number) {}

  /** Start on a free port of 127.0.0.1. */
  static start(): Promise<FakeDns> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket("udp4");
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        const dns = new FakeDns(socket, socket.address().port);
        socket.on("message", (msg, rinfo) => dns.#answer(new Uint8Array(msg), rinfo));
        resolve(dns);
      });
    });
  }

  /** `DNS_NAMESERVER` for this responder. */
  get nameServer(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Serve `values` as the TXT records of `name`. */
  setTxt(name: string, ...values: string[]): void {
    this.txt.set(name.toLowerCase().replace(/\.$/, ""), values);
  }

  #answer(query: Uint8Array, to: { address: string; port: number }): void {
    let message: Message;
    try {
      message = decodeMessage(query);
    } catch {
      return; // not a DNS message: no answer, as a real server would drop it
    }
    const q = message.questions[0];
    if (q) this.asked.push(q);
    const values = q ? this.txt.get(q.name.toLowerCase()) ?? null : null;
    this.socket.send(encodeTxtResponse(query, message, values), to.port, to.address);
  }

  /** Stop answering. */
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
