/**
 * The embedded cache: an in-process LRU bounded both by entry count and by bytes (the UTF-16
 * length of each entry's JSON, times two), with a time to live per entry. Values are stored as
 * JSON text, so what a caller gets is always a fresh copy.
 *
 * @module
 */

import type { Cache } from "./port.ts";

/** Bounds of an {@linkcode LruCache}. */
export interface LruOptions {
  /** Most entries kept (default 5,000). */
  maxEntries?: number;
  /** Most bytes of JSON kept, keys included (default 64 MiB). */
  maxBytes?: number;
  /** The clock, epoch ms (tests move it). */
  now?: () => number;
}

interface Slot {
  json: string;
  bytes: number;
  expiresAt: number;
}

/** In-process least-recently-used cache of JSON values. */
export class LruCache implements Cache {
  readonly #slots = new Map<string, Slot>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;

  /** An empty cache with the given bounds. */
  constructor(options: LruOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 5_000;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#now = options.now ?? Date.now;
  }

  /** Entries held now (expired ones included until touched or evicted). */
  get size(): number {
    return this.#slots.size;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The value under `key` (a copy), marking it most recently used; `undefined` if absent or expired. */
  get<T>(key: string): Promise<T | undefined> {
    const slot = this.#slots.get(key);
    if (!slot) return Promise.resolve(undefined);
    this.#slots.delete(key);
    if (slot.expiresAt <= this.#now()) {
      this.#bytes -= slot.bytes;
      return Promise.resolve(undefined);
    }
    this.#slots.set(key, slot);
    return Promise.resolve(JSON.parse(slot.json) as T);
  }

  /**
   * Store a copy of `value` for `ttlMs`, evicting the least recently used entries past the
   * bounds. A value larger than the whole byte bound is not stored.
   */
  set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const json = JSON.stringify(value);
    const bytes = 2 * (key.length + json.length);
    this.#remove(key);
    if (bytes > this.#maxBytes || ttlMs <= 0) return Promise.resolve();
    this.#slots.set(key, { json, bytes, expiresAt: this.#now() + ttlMs });
    this.#bytes += bytes;
    while (this.#slots.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#slots.keys().next().value as string;
      this.#remove(oldest);
    }
    return Promise.resolve();
  }

  #remove(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
  }
}
