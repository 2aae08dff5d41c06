/**
 * The only module that touches `Deno.Kv`. It hands out tenant scopes, reads and lists by branded
 * keys, and commits atomics. Every commit passes through {@linkcode Atomic.commit}, the single
 * place where commits could later be batched.
 *
 * @module
 */

import { assertKey, type Key, makeKey } from "./key.ts";
import { DomainError } from "../errors.ts";
import { globalKeys } from "./global.ts";
import { newId } from "./ids.ts";
import {
  DEFAULT_GROUP_COMMIT,
  type GroupCommitOptions,
  GroupCommitter,
  type RecordedOp,
} from "./group_commit.ts";

/** An entry read from the store. */
export interface Entry<T> {
  key: Key;
  value: T;
  versionstamp: string;
}

/** An entry that may be missing (`value` null and `versionstamp` null). */
export type MaybeEntry<T> = Entry<T> | { key: Key; value: null; versionstamp: null };

/** One page of a listing with the opaque cursor that continues it. */
export interface Page<T> {
  items: Entry<T>[];
  nextCursor: string | null;
}

/** Options for a paged listing. */
export interface PageOptions {
  /** Inclusive lower bound key (must share the prefix). */
  start?: Key;
  /** Exclusive upper bound key (must share the prefix). */
  end?: Key;
  limit: number;
  cursor?: string | null;
  reverse?: boolean;
}

const SCOPE_TOKEN = Symbol("OrgScope");

/**
 * The KV file cannot be used: it is not a database, or SQLite finds it damaged. Its message
 * names the file and what to do; print it as it is (no stack trace) and exit.
 */
export class StoreIntegrityError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(
      `The KV file ${path} is damaged (${reason}). ClockFlow did not start, so nothing more ` +
        `was written to it. Restore it from a backup, or move it aside to start with an empty ` +
        `store (KV_PATH names the file).`,
    );
    this.name = "StoreIntegrityError";
  }
}

/** SQLite's words for a file that is not a usable database. */
const DAMAGED = /not a database|malformed|corrupt|disk image/i;

/**
 * Check a local KV file before Deno KV opens it: a damaged file would otherwise pass a first
 * read and then crash the whole process from KV's background queue thread (which cannot be
 * caught). Runs SQLite's `PRAGMA quick_check` on a read-only connection: O(size of the file),
 * about a second per few hundred MB. A missing file is fine (it is created). `node:sqlite` is
 * loaded only here, so platforms without it (Deno Deploy: no local file) never load it.
 */
async function checkKvFile(path: string): Promise<void> {
  try {
    if (!Deno.statSync(path).isFile) throw new StoreIntegrityError(path, "not a regular file");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  const { DatabaseSync } = await import("node:sqlite");
  let db: InstanceType<typeof DatabaseSync> | null = null;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    const rows = db.prepare("PRAGMA quick_check(5)").all() as { quick_check?: string }[];
    const problems = rows.map((r) => String(r.quick_check ?? "")).filter((r) => r !== "ok");
    if (problems.length) {
      throw new StoreIntegrityError(path, problems.join("; ").replace(/\s+/g, " ").slice(0, 300));
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Damage is reported as such; anything else (permissions, a lock) is not the file's fault.
    if (!(err instanceof StoreIntegrityError) && DAMAGED.test(message)) {
      throw new StoreIntegrityError(path, message);
    }
    throw err;
  } finally {
    db?.close();
  }
}

/** Throw unless `key` is under `["org", orgId]`. */
function assertTenantKey(key: Key, orgId: string): Key {
  const raw = assertKey(key);
  if (raw[0] !== "org" || raw[1] !== orgId) {
    throw new TypeError(`key ${JSON.stringify(raw)} is outside organization ${orgId}`);
  }
  return key;
}

/**
 * A tenant's view of the store: every key it builds, reads, lists or writes starts with
 * `["org", orgId]`. There is no way out: the scope hands out no raw store, refuses keys of
 * other organizations, and reads no global table except the two a tenant needs, each narrowed:
 * {@linkcode OrgScope.people} (names of this organization's members only) and
 * {@linkcode OrgScope.accountIdByEmail} (whether an email already has an account).
 * Scopes are made only by the store, from a proof that the caller may act in the organization
 * (a membership, a fresh sign-up, …).
 */
export class OrgScope {
  readonly #prefix: readonly Deno.KvKeyPart[];
  readonly #store: Store;

  /** @internal use the store's `scopeFor…` methods. */
  constructor(token: symbol, store: Store, readonly orgId: string) {
    if (token !== SCOPE_TOKEN) throw new TypeError("OrgScope is made by the store only");
    this.#prefix = ["org", orgId];
    this.#store = store;
  }

  /** The key `["org", orgId, ...parts]`. */
  key(...parts: Deno.KvKeyPart[]): Key {
    return makeKey([...this.#prefix, ...parts]);
  }

  /** Read one key of this organization by its parts. */
  get<T>(...parts: Deno.KvKeyPart[]): Promise<MaybeEntry<T>> {
    return this.#store.get<T>(this.key(...parts));
  }

  /** Read one key of this organization. */
  getKey<T>(key: Key): Promise<MaybeEntry<T>> {
    return this.#store.get<T>(assertTenantKey(key, this.orgId));
  }

  /** Read keys of this organization, in order (batched by ten). */
  getMany<T>(keys: Key[]): Promise<MaybeEntry<T>[]> {
    return this.#store.getMany<T>(keys.map((k) => assertTenantKey(k, this.orgId)));
  }

  /** List this organization's entries under `prefix` (see {@linkcode Store.list}). */
  list<T>(
    prefix: Key,
    options: { start?: Key; end?: Key; reverse?: boolean; limit?: number } = {},
  ): AsyncIterable<Entry<T>> {
    assertTenantKey(prefix, this.orgId);
    if (options.start) assertTenantKey(options.start, this.orgId);
    if (options.end) assertTenantKey(options.end, this.orgId);
    return this.#store.list<T>(prefix, options);
  }

  /** One page of this organization's entries under `prefix` (see {@linkcode Store.page}). */
  page<T>(prefix: Key, options: PageOptions): Promise<Page<T>> {
    assertTenantKey(prefix, this.orgId);
    if (options.start) assertTenantKey(options.start, this.orgId);
    if (options.end) assertTenantKey(options.end, this.orgId);
    return this.#store.page<T>(prefix, options);
  }

  /**
   * Watch keys of this organization (at most 10, Deno KV's limit): the stream yields their
   * entries at once, then again after each commit that changes one of them (changes may be
   * coalesced). Cancel the stream to stop watching. On the local SQLite backend a watch sees
   * only this process's commits; Deno Deploy's KV and a shared `denokv` see every writer's.
   *
   * @example
   * ```ts
   * const reader = scope.watch([scope.key("presence_seq")]).getReader();
   * const { value } = await reader.read(); // the current entries
   * await reader.cancel();
   * ```
   */
  watch(keys: Key[]): ReadableStream<MaybeEntry<unknown>[]> {
    return this.#store.watch(keys.map((k) => assertTenantKey(k, this.orgId)));
  }

  /**
   * An atomic operation bound to this organization: it refuses keys of any other organization.
   * Global keys (a person's account, the org switcher link, the job outbox) may be written, since
   * creating a member or enqueueing a job writes them in the same commit.
   */
  atomic(): Atomic {
    return this.#store.atomic(this.orgId);
  }

  /**
   * The global records (`["user", id]`) of `userIds` that have a membership (active or not) in
   * this organization, in the order asked; others are left out. Names of people are read only
   * this way, so an id posted from another tenant never reveals who it is.
   */
  async people<T>(userIds: string[]): Promise<T[]> {
    const ids = [...new Set(userIds.filter((id) => typeof id === "string" && id.length <= 64))];
    const out = new Map<string, T>();
    for (let i = 0; i < ids.length; i += 5) {
      const batch = ids.slice(i, i + 5);
      const got = await this.#store.getMany<unknown>([
        ...batch.map((id) => this.key("member", id)),
        ...batch.map((id) => globalKeys.user(id)),
      ]);
      batch.forEach((id, j) => {
        const member = got[j];
        const user = got[batch.length + j];
        if (member.versionstamp !== null && user.value !== null) out.set(id, user.value as T);
      });
    }
    return userIds.flatMap((id) => (out.has(id) ? [out.get(id)!] : []));
  }

  /**
   * The id of the account registered with `normalizedEmail`, or null. The one global identity
   * read a tenant needs (refusing to add an existing account as a new member, matching an
   * invitation); callers must never show what it returns to the client.
   */
  async accountIdByEmail(normalizedEmail: string): Promise<string | null> {
    const e = await this.#store.get<string>(globalKeys.userByEmail(normalizedEmail));
    return typeof e.value === "string" ? e.value : null;
  }
}

/** An atomic operation over branded keys, committed through the store's group committer. */
export class Atomic {
  readonly #committer: GroupCommitter;
  readonly #orgId: string | null;
  readonly #op: RecordedOp = { checks: [], mutations: [] };

  /** @param orgId when set, keys of any other organization are refused */
  constructor(committer: GroupCommitter, orgId: string | null = null) {
    this.#committer = committer;
    this.#orgId = orgId;
  }

  #key(key: Key): Deno.KvKey {
    const raw = assertKey(key);
    if (this.#orgId !== null && raw[0] === "org" && raw[1] !== this.#orgId) {
      throw new TypeError(`key ${JSON.stringify(raw)} is outside organization ${this.#orgId}`);
    }
    return raw;
  }

  /** Require `key` to still have `versionstamp` (null: to be absent) when committing. */
  check(key: Key, versionstamp: string | null): this {
    this.#op.checks.push({ key: this.#key(key), versionstamp });
    return this;
  }

  /** Write `value` at `key`; `expireIn` in ms. */
  set(key: Key, value: unknown, options?: { expireIn?: number }): this {
    this.#op.mutations.push({
      type: "set",
      key: this.#key(key),
      value,
      expireIn: options?.expireIn,
    });
    return this;
  }

  /** Delete `key`. */
  delete(key: Key): this {
    this.#op.mutations.push({ type: "delete", key: this.#key(key) });
    return this;
  }

  /** Add `n` to the 64-bit counter at `key`. */
  sum(key: Key, n: bigint): this {
    this.#op.mutations.push({ type: "sum", key: this.#key(key), n });
    return this;
  }

  /** Number of checks and mutations gathered so far. */
  get size(): { checks: number; mutations: number } {
    return { checks: this.#op.checks.length, mutations: this.#op.mutations.length };
  }

  /** The checks and mutations gathered so far (for tests and diagnostics). */
  get recorded(): Readonly<RecordedOp> {
    return this.#op;
  }

  /**
   * Commit (packed with concurrent commits that touch other keys, `group_commit.ts`). Returns
   * the new versionstamp once it is stored, or null when a check failed (the caller decides
   * whether that is a conflict or a reason to retry).
   */
  commit(): Promise<string | null> {
    return this.#committer.commit(this.#op);
  }
}

/**
 * Commit one backend operation, committing it again when SQLite answered SQLITE_BUSY: another
 * connection to the same file (the store's reading handle sweeping expired keys, another
 * process) held the write lock past the busy timeout. The transaction was rolled back, so
 * nothing was applied.
 */
export async function commitRetryingLocked(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  for (let attempt = 0;; attempt++) {
    try {
      return await op.commit();
    } catch (err) {
      if (!isDatabaseLocked(err) || attempt >= LOCKED_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, 2 + Math.random() * Math.min(150, 8 * (attempt + 1))));
    }
  }
}

/**
 * Commits retried when the local database reports itself locked (several connections to one
 * file — processes, or the store's two handles — under load; about 1.5 s of waiting in all).
 */
export const LOCKED_RETRIES = 16;

/** True for the error Deno KV's SQLite backend raises on SQLITE_BUSY. */
export function isDatabaseLocked(err: unknown): boolean {
  return err instanceof Error && /database is locked/i.test(err.message);
}

/**
 * Read, list and commit over a `Deno.Kv`, by keys made in `lib/kv`.
 *
 * On a local SQLite file the store keeps two handles: commits (and queues) on one, reads on the
 * other. Each handle has its own SQLite connection and thread, so under load reads no longer wait
 * behind commits and their fsync (measured here: +35% for a read-read-commit request mix at 50
 * in flight). SQLite's WAL makes every commit visible to the reading connection as soon as it
 * returns, and every write still checks versionstamps, so nothing about consistency changes.
 * `:memory:` and remote databases use one handle.
 */
export class Store {
  readonly #kv: Deno.Kv;
  readonly #read: Deno.Kv;
  /** Packs concurrent commits (`group_commit.ts`). */
  readonly committer: GroupCommitter;

  private constructor(kv: Deno.Kv, read: Deno.Kv, groupCommit: GroupCommitOptions) {
    this.#kv = kv;
    this.#read = read;
    this.committer = new GroupCommitter(kv, groupCommit, commitRetryingLocked);
  }

  /**
   * Open the store at `path`: a file path, `:memory:`, or a KV Connect URL. `undefined` opens
   * the platform default (Deno Deploy's database).
   */
  static async open(
    path?: string,
    groupCommit: Partial<GroupCommitOptions> = {},
  ): Promise<Store> {
    // KV Connect (denokv, Deno Deploy) allows 10 checks per atomic operation.
    const remote = path === undefined || path.startsWith("http");
    const options: GroupCommitOptions = {
      ...DEFAULT_GROUP_COMMIT,
      ...(remote ? { maxChecks: 10 } : {}),
      ...groupCommit,
    };
    const localFile = !!path && !path.startsWith("http") && path !== ":memory:";
    if (localFile) {
      const dir = path.replace(/[^/\\]*$/, "");
      if (dir) await Deno.mkdir(dir, { recursive: true });
      await checkKvFile(path);
    }
    try {
      const kv = await Deno.openKv(path);
      return new Store(kv, localFile ? await Deno.openKv(path) : kv, options);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (localFile && DAMAGED.test(message)) {
        throw new StoreIntegrityError(path, message);
      }
      throw err;
    }
  }

  /** The raw handle, for queue transport only (`lib/jobs`). */
  get queueHandle(): Pick<Deno.Kv, "enqueue" | "listenQueue"> {
    return this.#kv;
  }

  /** Close the underlying database. */
  close(): void {
    this.#kv.close();
    if (this.#read !== this.#kv) this.#read.close();
  }

  /**
   * The scope of organization `orgId` for user `userId`, or null when the user has no
   * membership there (active or not: the caller checks the membership's own state).
   */
  async scopeForMember(userId: string, orgId: string): Promise<OrgScope | null> {
    return (await this.scopeForMemberWith(userId, orgId, []))?.scope ?? null;
  }

  /**
   * The scope of the organization that owns Stripe customer `customerId`, or null when no
   * organization does. The proof is the global customer pointer, written by this server when it
   * created the customer. `claimedOrgId` (an organization id a Stripe object carries in its
   * metadata) is used only when the pointer is missing, and only if that organization's own
   * billing record names the same customer — an id in a payload alone never makes a scope.
   *
   * @example
   * ```ts
   * const scope = await store.scopeForStripeCustomer(event.customerId);
   * if (!scope) return "ignored"; // not one of our customers
   * ```
   */
  async scopeForStripeCustomer(
    customerId: string,
    claimedOrgId: string | null = null,
  ): Promise<OrgScope | null> {
    if (typeof customerId !== "string" || customerId.length === 0 || customerId.length > 255) {
      return null;
    }
    const pointer = await this.#read.get<string>(assertKey(globalKeys.stripeCustomer(customerId)));
    if (typeof pointer.value === "string") return new OrgScope(SCOPE_TOKEN, this, pointer.value);
    if (typeof claimedOrgId !== "string" || claimedOrgId.length === 0 || claimedOrgId.length > 64) {
      return null;
    }
    const billing = await this.#read.get<{ stripeCustomerId?: string | null }>(
      ["org", claimedOrgId, "billing"],
    );
    return billing.value?.stripeCustomerId === customerId
      ? new OrgScope(SCOPE_TOKEN, this, claimedOrgId)
      : null;
  }

  /**
   * The scope of `orgId` for background work this server enqueued itself (`lib/jobs`), or null
   * when no such organization exists (`org_index`). Queue messages are written only by code that
   * held a scope, and the queue is not reachable by tenants.
   */
  async scopeForJob(orgId: string): Promise<OrgScope | null> {
    if (typeof orgId !== "string" || orgId.length === 0 || orgId.length > 64) return null;
    const indexed = await this.#read.get(assertKey(globalKeys.orgIndex(orgId)));
    return indexed.versionstamp === null ? null : new OrgScope(SCOPE_TOKEN, this, orgId);
  }

  /**
   * The scope of the organization that issued the invitation whose token hashes to `tokenHash`,
   * with the invitation's id, or null for an unknown token. The proof is the global
   * `invitation_token` pointer, written by this server with the invitation (`lib/invitations`);
   * the caller still checks the invitation itself (its hash, its expiry).
   */
  async scopeForInvitation(
    tokenHash: string,
  ): Promise<{ scope: OrgScope; invitationId: string } | null> {
    if (!/^[0-9a-f]{64}$/.test(tokenHash)) return null;
    const pointer = await this.#read.get<{ orgId?: unknown; invitationId?: unknown }>(
      assertKey(globalKeys.invitationToken(tokenHash)),
    );
    const { orgId, invitationId } = pointer.value ?? {};
    if (typeof orgId !== "string" || typeof invitationId !== "string") return null;
    return { scope: new OrgScope(SCOPE_TOKEN, this, orgId), invitationId };
  }

  /**
   * The scope of the organization that issued the API key with public prefix `prefix`, with the
   * key's id, or null for an unknown prefix. The proof is the global `api_key_prefix` pointer,
   * written by this server with the key (`lib/apikeys/keys.ts`); the caller still checks the
   * key itself (its secret's hash, its expiry).
   */
  async scopeForApiKey(prefix: string): Promise<{ scope: OrgScope; keyId: string } | null> {
    if (!/^[0-9a-f]{12}$/.test(prefix)) return null;
    const pointer = await this.#read.get<{ orgId?: unknown; keyId?: unknown }>(
      assertKey(globalKeys.apiKeyPrefix(prefix)),
    );
    const { orgId, keyId } = pointer.value ?? {};
    if (typeof orgId !== "string" || typeof keyId !== "string") return null;
    return { scope: new OrgScope(SCOPE_TOKEN, this, orgId), keyId };
  }

  /**
   * The scope of the organization whose kiosk shows the pairing code hashing to `codeHash`,
   * with the kiosk's id and the code's expiry, or null for an unknown code. The proof is the
   * global `kiosk_pairing` pointer, written by this server with the code (`lib/kiosks`); the
   * caller still checks the kiosk itself (the code's hash, its expiry).
   */
  async scopeForPairingCode(
    codeHash: string,
  ): Promise<{ scope: OrgScope; kioskId: string; expiresAt: number; versionstamp: string } | null> {
    if (!/^[0-9a-f]{64}$/.test(codeHash)) return null;
    const pointer = await this.#read.get<
      { orgId?: unknown; kioskId?: unknown; expiresAt?: unknown }
    >(
      assertKey(globalKeys.kioskPairing(codeHash)),
    );
    const { orgId, kioskId, expiresAt } = pointer.value ?? {};
    if (typeof orgId !== "string" || typeof kioskId !== "string") return null;
    if (typeof expiresAt !== "number") return null;
    return {
      scope: new OrgScope(SCOPE_TOKEN, this, orgId),
      kioskId,
      expiresAt,
      versionstamp: pointer.versionstamp!,
    };
  }

  /**
   * The scope of the organization of the paired kiosk whose device credential hashes to
   * `tokenHash`, with the kiosk's id, or null for an unknown credential. The proof is the global
   * `kiosk_device` pointer, written by this server when the device paired (`lib/kiosks`); the
   * caller still checks the kiosk itself (the credential's hash).
   */
  async scopeForKioskDevice(
    tokenHash: string,
  ): Promise<{ scope: OrgScope; kioskId: string } | null> {
    if (!/^[0-9a-f]{64}$/.test(tokenHash)) return null;
    const pointer = await this.#read.get<{ orgId?: unknown; kioskId?: unknown }>(
      assertKey(globalKeys.kioskDevice(tokenHash)),
    );
    const { orgId, kioskId } = pointer.value ?? {};
    if (typeof orgId !== "string" || typeof kioskId !== "string") return null;
    return { scope: new OrgScope(SCOPE_TOKEN, this, orgId), kioskId };
  }

  /**
   * The scope of the organization that verified custom domain `domain` (a lower-case hostname),
   * or null for a domain no organization verified. The proof is the global `custom_domain`
   * pointer, written by this server once the organization showed it controls the domain's DNS
   * (`lib/branding/domain.ts`); requests to that host act for that organization's public pages.
   */
  async scopeForCustomDomain(domain: string): Promise<OrgScope | null> {
    if (typeof domain !== "string" || domain.length === 0 || domain.length > 253) return null;
    const pointer = await this.#read.get<string>(assertKey(globalKeys.customDomain(domain)));
    return typeof pointer.value === "string"
      ? new OrgScope(SCOPE_TOKEN, this, pointer.value)
      : null;
  }

  /**
   * The scope of `orgId` for reading what an organization publishes to everyone (its logo, served
   * at a public URL for mails and the kiosk), or null when no such organization exists
   * (`org_index`). Callers read only the published records through it.
   */
  async scopeForPublicAsset(orgId: string): Promise<OrgScope | null> {
    if (typeof orgId !== "string" || orgId.length === 0 || orgId.length > 64) return null;
    const indexed = await this.#read.get(assertKey(globalKeys.orgIndex(orgId)));
    return indexed.versionstamp === null ? null : new OrgScope(SCOPE_TOKEN, this, orgId);
  }

  /**
   * Like {@linkcode scopeForMember}, and in the same round trip the organization's keys `prefetch`
   * (parts after `["org", orgId]`), returned in order. Requests use it to read the membership,
   * profile and settings together with the proof, instead of one read after another.
   */
  async scopeForMemberWith(
    userId: string,
    orgId: string,
    prefetch: Deno.KvKeyPart[][],
  ): Promise<{ scope: OrgScope; entries: MaybeEntry<unknown>[] } | null> {
    if (typeof orgId !== "string" || orgId.length > 64) return null;
    const scope = new OrgScope(SCOPE_TOKEN, this, orgId);
    const [link, ...entries] = await this.getMany<unknown>([
      globalKeys.userOrg(userId, orgId),
      ...prefetch.map((parts) => scope.key(...parts)),
    ]);
    return link.versionstamp === null ? null : { scope, entries };
  }

  /** A scope for an organization that is being created now (its id is new). */
  scopeForNewOrg(): OrgScope {
    return new OrgScope(SCOPE_TOKEN, this, newId());
  }

  /**
   * Scopes of every organization, for migrations, operators and maintenance jobs that must
   * visit all tenants. Never reachable from a tenant's request.
   */
  async *allOrgScopes(): AsyncIterable<OrgScope> {
    for await (const e of this.list<string>(globalKeys.orgIndex())) {
      yield new OrgScope(SCOPE_TOKEN, this, e.key[1] as string);
    }
  }

  /** Read one key. */
  async get<T>(key: Key): Promise<MaybeEntry<T>> {
    const e = await this.#read.get<T>(assertKey(key));
    return e as MaybeEntry<T>;
  }

  /** Read many keys, in batches of ten (the KV limit), keeping order. */
  async getMany<T>(keys: Key[]): Promise<MaybeEntry<T>[]> {
    const out: MaybeEntry<T>[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      const batch = keys.slice(i, i + 10).map(assertKey);
      const got = await this.#read.getMany<T[]>(batch);
      out.push(...(got as unknown as MaybeEntry<T>[]));
    }
    return out;
  }

  /** List every entry under `prefix` (use for bounded sets; use {@linkcode page} for clients). */
  async *list<T>(
    prefix: Key,
    options: { start?: Key; end?: Key; reverse?: boolean; limit?: number } = {},
  ): AsyncIterable<Entry<T>> {
    const iter = this.#read.list<T>(this.#selector(prefix, options.start, options.end), {
      reverse: options.reverse,
      limit: options.limit,
      batchSize: 1000,
    });
    // Listed keys lie under a prefix the caller built, so they are branded too: the caller may
    // delete or rewrite what it listed (e.g. revoking every session of a person).
    for await (const e of iter) {
      yield {
        key: makeKey(e.key as Deno.KvKeyPart[]),
        value: e.value,
        versionstamp: e.versionstamp,
      };
    }
  }

  /** One page under `prefix`, continued by an opaque cursor. */
  async page<T>(prefix: Key, options: PageOptions): Promise<Page<T>> {
    const selector = this.#selector(prefix, options.start, options.end);
    const items: Entry<T>[] = [];
    let iter: Deno.KvListIterator<T>;
    try {
      iter = this.#read.list<T>(selector, {
        limit: options.limit,
        cursor: options.cursor ?? undefined,
        reverse: options.reverse,
        batchSize: Math.min(options.limit, 500),
      });
      for await (const e of iter) items.push(e as unknown as Entry<T>);
    } catch (err) {
      if (options.cursor) {
        throw new DomainError("invalid", "invalid_cursor", "The cursor is not valid for this list");
      }
      throw err;
    }
    const nextCursor = items.length === options.limit ? iter.cursor || null : null;
    return { items, nextCursor };
  }

  /**
   * Every entry of the database, global and per tenant, in key order, with raw keys. For tests
   * (asserting that a request changed nothing) and for maintenance such as backups; never
   * reachable from a tenant's request.
   *
   * @example
   * ```ts
   * for await (const e of store.listAll()) console.log(e.key, e.versionstamp);
   * ```
   */
  async *listAll(): AsyncIterable<Deno.KvEntry<unknown>> {
    for await (const e of this.#read.list({ prefix: [] }, { batchSize: 1000 })) yield e;
  }

  /**
   * Watch up to 10 keys (see {@linkcode OrgScope.watch}, the tenant's way in). Watches the
   * handle commits go through, so a commit of this process is seen as soon as it returns.
   */
  watch(keys: Key[]): ReadableStream<MaybeEntry<unknown>[]> {
    if (keys.length === 0 || keys.length > 10) {
      throw new RangeError(`watch takes 1 to 10 keys, not ${keys.length}`);
    }
    const raw = keys.map(assertKey);
    return this.#kv.watch(raw).pipeThrough(
      new TransformStream<Deno.KvEntryMaybe<unknown>[], MaybeEntry<unknown>[]>({
        transform: (entries, out) =>
          out.enqueue(entries.map((e, i) => ({ ...e, key: keys[i] }) as MaybeEntry<unknown>)),
      }),
    );
  }

  /** Start an atomic operation (bound to `orgId` when given: other tenants' keys refused). */
  atomic(orgId: string | null = null): Atomic {
    return new Atomic(this.committer, orgId);
  }

  #selector(prefix: Key, start?: Key, end?: Key): Deno.KvListSelector {
    const p = assertKey(prefix);
    if (start && end) return { start: assertKey(start), end: assertKey(end) };
    if (start) return { prefix: p, start: assertKey(start) };
    if (end) return { prefix: p, end: assertKey(end) };
    return { prefix: p };
  }
}
