/**
 * The kiosk queue in IndexedDB (database `kiosk-queue`, object store `punches` keyed by
 * `idempotencyKey`), so punches made offline survive a reload, a crash or a restart of the
 * tablet. Browser only; tested in Chromium (tests/e2e/kiosk_test.ts).
 *
 * @module
 */

import { inQueueOrder, type QueuedPunch, type QueueStore } from "./queue.ts";

/** The database's name. */
export const QUEUE_DB = "kiosk-queue";
const STORE = "punches";

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

/** Open (creating on first use) the kiosk queue database. */
function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(QUEUE_DB, 1);
  req.onupgradeneeded = () => {
    req.result.createObjectStore(STORE, { keyPath: "idempotencyKey" });
  };
  return done(req);
}

/** {@linkcode QueueStore} over IndexedDB; every operation is its own transaction. */
export class IdbQueueStore implements QueueStore {
  #db: Promise<IDBDatabase> | null = null;

  #open(): Promise<IDBDatabase> {
    this.#db ??= openDb().catch((err) => {
      this.#db = null;
      throw err;
    });
    return this.#db;
  }

  /** Every item, oldest first. */
  async all(): Promise<QueuedPunch[]> {
    const db = await this.#open();
    const items = await done(
      db.transaction(STORE, "readonly").objectStore(STORE).getAll() as IDBRequest<QueuedPunch[]>,
    );
    return inQueueOrder(items);
  }

  /** Add an item, durably (resolves once committed). */
  async add(item: QueuedPunch): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(STORE, "readwrite", { durability: "strict" });
    tx.objectStore(STORE).put(item);
    await committed(tx);
  }

  /** Remove the item with this key. */
  async remove(idempotencyKey: string): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).delete(idempotencyKey);
    await committed(tx);
  }
}
