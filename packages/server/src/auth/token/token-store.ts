import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { VaultError, invalidRequest, permissionDenied } from '../../errors.js';
import type { Clock, RequestAuth } from '../../framework/engine.js';
import type { StorageOp } from '../../storage/storage-backend.js';
import { encodeJson, type StorageView } from '../../storage/storage-view.js';
import { isBatchToken, openBatchToken, sealBatchToken, type DetachedCipher } from './batch-token.js';
import { SYSTEM_MAX_TTL, draftEntry, isRootEntry, renewedTtl, type CreateTokenParams, type TokenEntry } from './token-entry.js';
import { newAccessor, newTokenId } from './token-id.js';

export interface TokenStoreHooks {
  /** Runs for every revoked token, children before parents: cubbyhole, leases. */
  onRevoke?(entry: TokenEntry): Promise<void>;
  /** A token's expiry was set or moved (create, renew): the expiration manager schedules it. */
  onExpiry?(hash: string, expireTime: number): void;
}

export interface CreatedToken {
  token: string;
  entry: TokenEntry;
  warnings: string[];
}

const SALT_KEY = 'salt';
const idKey = (hash: string) => `id/${hash}`;
const accessorKey = (accessorHash: string) => `accessor/${accessorHash}`;
const parentKey = (parent: string, child: string) => `parent/${parent}/${child}`;

const copyEntry = (e: TokenEntry): TokenEntry => ({ ...e, policies: [...e.policies], meta: { ...e.meta } });

/**
 * The token store: creates, looks up, renews and revokes tokens.
 *
 * INVARIANT: a token is never stored, neither in a key nor in a value. Entries live under
 * `id/<hmac(token)>`; the accessor index is `accessor/<hmac(accessor)>` → token hash; the tree is
 * `parent/<parent hash>/<child hash>`. The accessor itself appears only inside its entry (under
 * the barrier), because Vault shows it and lists it.
 *
 * On the active node every entry is held in memory (loaded by `setup()`), so authenticating a
 * request is one HMAC and one map lookup, and every change is made in memory synchronously
 * before it is persisted: two requests racing for a token's last use cannot both win. Storage
 * writes for one token are serialised so the last write always reflects the latest state.
 * The `accessor/` and `parent/` keys are the storage-level index (for tidy and for tooling
 * reading storage directly); memory is rebuilt from the entries themselves.
 *
 * Batch tokens are the exception to all of this: nothing about them is stored or held, the
 * token carries its entry (batch-token.ts). They are known here only through `lookup(token)`.
 */
export class TokenStore {
  private salt: Buffer | undefined;
  private readonly entries = new Map<string, TokenEntry>();
  /** hmac(accessor) → token hash. */
  private readonly byAccessor = new Map<string, string>();
  /** parent hash → child hashes. */
  private readonly children = new Map<string, Set<string>>();
  /** Tokens whose revocation has started: unusable from that moment on. */
  private readonly revoking = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly writeChains = new Map<string, Promise<void>>();

  constructor(
    private readonly view: StorageView,
    private readonly clock: Clock,
    /** The barrier: seals and opens batch tokens with its keyring. */
    private readonly cipher: DetachedCipher,
    private readonly hooks: TokenStoreHooks = {},
    /** Seconds: the system default and maximum TTL (Vault's 768h). */
    readonly maxTtl: number = SYSTEM_MAX_TTL,
  ) {}

  /** Loads or creates the salt, then loads every token into memory. Call on becoming active. */
  async setup(): Promise<void> {
    const stored = await this.view.getJson<{ salt: string }>(SALT_KEY);
    if (stored) {
      this.salt = Buffer.from(stored.salt, 'base64');
    } else {
      this.salt = randomBytes(32);
      await this.view.putJson(SALT_KEY, { salt: this.salt.toString('base64') });
    }
    this.entries.clear();
    this.byAccessor.clear();
    this.children.clear();
    this.revoking.clear();
    for await (const key of this.view.keys('id/')) {
      const entry = await this.view.getJson<TokenEntry>(key);
      if (entry) this.index(entry);
    }
    // A token whose last use was consumed just before a crash was never revoked: finish it.
    for (const entry of [...this.entries.values()]) if (entry.exhausted) await this.revoke(entry.hash);
  }

  /** The salted hash under which a token is stored (hex HMAC-SHA256). */
  hashToken(token: string): string {
    return this.hmac('token', token);
  }

  /** Whether `token` is the token stored under `hash` (constant time). */
  isToken(token: string, hash: string): boolean {
    const a = Buffer.from(this.hashToken(token), 'hex');
    const b = Buffer.from(hash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async create(params: CreateTokenParams): Promise<CreatedToken> {
    const parent = params.parentHash === undefined ? undefined : this.live(params.parentHash, true);
    if (params.parentHash !== undefined && !parent) throw invalidRequest('parent token lookup failed: no parent found');
    const { entry, warnings } = draftEntry(params, this.clock.now(), parent, this.maxTtl);
    if (entry.type === 'batch') {
      // Nothing to store or index: the token is the entry.
      const token = sealBatchToken(this.cipher, entry);
      entry.hash = this.hashToken(token);
      return { token, entry, warnings };
    }

    const token = params.id ?? newTokenId();
    if (token === '') throw invalidRequest('token id cannot be empty');
    const hash = this.hashToken(token);
    if (this.entries.has(hash)) throw invalidRequest('cannot create a token with a duplicate id');
    let accessor = newAccessor();
    while (this.byAccessor.has(this.hmac('accessor', accessor))) accessor = newAccessor();
    entry.hash = hash;
    entry.accessor = accessor;

    // Nothing was awaited since the parent check: the parent is still live here.
    this.index(entry);
    const ops: StorageOp[] = [
      { type: 'put', key: idKey(hash), value: encodeJson(entry) },
      { type: 'put', key: accessorKey(this.hmac('accessor', accessor)), value: encodeJson({ hash }) },
    ];
    if (entry.parent) ops.push({ type: 'put', key: parentKey(entry.parent, hash), value: encodeJson({}) });
    try {
      await this.serial(hash, () => this.view.batch(ops));
    } catch (err) {
      this.unindex(entry);
      throw err;
    }
    if (entry.expireTime !== 0) this.hooks.onExpiry?.(hash, entry.expireTime);
    return { token, entry: copyEntry(entry), warnings };
  }

  /** A root token (init, dev mode, generate-root): policy `root`, no TTL, no parent. */
  async createRoot(id?: string): Promise<CreatedToken> {
    const params: CreateTokenParams = { policies: ['root'], displayName: 'root', path: 'auth/token/root' };
    if (id !== undefined) params.id = id;
    return this.create(params);
  }

  /**
   * The token's entry, or undefined when unknown, revoked, expired (revoked now) or used up.
   * `includeExhausted` as for `lookupByHash`.
   */
  async lookup(token: string, opts: { includeExhausted?: boolean } = {}): Promise<TokenEntry | undefined> {
    if (token === '') return undefined;
    if (isBatchToken(token)) return this.lookupBatch(token);
    return this.lookupByHash(this.hashToken(token), opts);
  }

  /**
   * A batch token is valid while it opens, has not expired and its parent, if it has one, is
   * live: revoking the parent is the only way to end it early (Vault: "Stops Working").
   * Every failure is the same `undefined`, so callers answer 403 without saying why.
   */
  private async lookupBatch(token: string): Promise<TokenEntry | undefined> {
    const opened = openBatchToken(this.cipher, token);
    if (!opened || this.clock.now() >= opened.expireTime) return undefined;
    if (opened.parent !== undefined && !(await this.lookupByHash(opened.parent))) return undefined;
    return { ...opened, hash: this.hashToken(token) };
  }

  /**
   * As `lookup`, by hash. `includeExhausted` is for handlers acting on the caller's own token
   * during the request that consumed its last use (`*-self`, unwrapping with the wrapping token).
   */
  async lookupByHash(hash: string, opts: { includeExhausted?: boolean } = {}): Promise<TokenEntry | undefined> {
    const entry = this.live(hash, opts.includeExhausted === true);
    if (!entry) return undefined;
    if (entry.expireTime !== 0 && this.clock.now() >= entry.expireTime) {
      // Lazy expiry. A failed revocation leaves the token marked as revoking: unusable.
      await this.revoke(hash).catch(() => undefined);
      return undefined;
    }
    return copyEntry(entry);
  }

  async lookupByAccessor(accessor: string): Promise<TokenEntry | undefined> {
    const hash = this.byAccessor.get(this.hmac('accessor', accessor));
    return hash === undefined ? undefined : this.lookupByHash(hash);
  }

  /**
   * Consumes one use of a limited-use token. Returns true when that was its last use: the token
   * is then unusable by any other request, and the pipeline must call `revoke(entry.hash)` after
   * the response has been audited (the request itself may still need the token, e.g. to read its
   * cubbyhole when unwrapping). Throws 403 when the token has no use left (a racing request won).
   */
  async consumeUse(entry: TokenEntry): Promise<boolean> {
    const live = this.live(entry.hash, false);
    if (!live) throw permissionDenied();
    if (live.numUses === 0) return false;
    live.numUses -= 1;
    if (live.numUses === 0) live.exhausted = true;
    const last = live.exhausted === true;
    await this.persist(live.hash);
    return last;
  }

  /** The store's clock (Unix ms): what expiry and remaining TTLs are measured against. */
  now(): number {
    return this.clock.now();
  }

  /** Renews a token; `incrementSeconds` 0 = its creation TTL (periodic tokens: their period). */
  async renew(entry: TokenEntry, incrementSeconds = 0): Promise<TokenEntry> {
    if (entry.type === 'batch') throw invalidRequest('batch tokens cannot be renewed');
    const live = this.live(entry.hash, true);
    if (!live) throw invalidRequest('token not found');
    if (!live.renewable || live.expireTime === 0) throw invalidRequest('lease is not renewable');
    const now = this.clock.now();
    const ttl = renewedTtl(live, incrementSeconds, now, this.maxTtl);
    live.ttl = ttl;
    live.expireTime = now + ttl * 1000;
    live.lastRenewalTime = now;
    await this.persist(live.hash);
    this.hooks.onExpiry?.(live.hash, live.expireTime);
    return copyEntry(live);
  }

  /** Revokes a token and its whole subtree, children first, each through the `onRevoke` hook. */
  async revoke(hash: string): Promise<void> {
    if (!this.entries.has(hash)) return;
    // Breadth-first; reversed, every token comes after all of its descendants.
    const order = [hash];
    for (let i = 0; i < order.length; i++) {
      for (const child of this.children.get(order[i]!) ?? []) order.push(child);
    }
    // Mark the whole subtree first so no token in it authenticates while we work.
    for (const h of order) this.revoking.add(h);
    for (const h of order.reverse()) await this.revokeOne(h);
  }

  /** Revokes one token; its children become orphans and stay valid. */
  async revokeOrphan(hash: string): Promise<void> {
    if (!this.entries.has(hash)) return;
    this.revoking.add(hash);
    for (const childHash of [...(this.children.get(hash) ?? [])]) {
      const child = this.entries.get(childHash);
      if (!child) continue;
      delete child.parent;
      this.children.get(hash)?.delete(childHash);
      await this.serial(childHash, () =>
        this.view.batch([
          { type: 'put', key: idKey(childHash), value: encodeJson(child) },
          { type: 'delete', key: parentKey(hash, childHash) },
        ]),
      );
    }
    await this.revokeOne(hash);
  }

  /**
   * Revokes every token created under `prefix` (e.g. `auth/userpass/`): disabling an auth method
   * revokes the tokens it issued, as Vault does.
   */
  async revokeByPathPrefix(prefix: string): Promise<number> {
    const doomed = [...this.entries.values()].filter((e) => e.path.startsWith(prefix)).map((e) => e.hash);
    for (const hash of doomed) await this.revoke(hash);
    return doomed.length;
  }

  /** Every token with an expiry, for the expiration manager to schedule after unseal. */
  *expiring(): Iterable<{ hash: string; expireTime: number }> {
    for (const e of this.entries.values()) if (e.expireTime !== 0) yield { hash: e.hash, expireTime: e.expireTime };
  }

  /** Revokes every expired token (for a periodic job); returns how many were revoked. */
  async revokeExpired(): Promise<number> {
    const now = this.clock.now();
    const expired = [...this.entries.values()].filter((e) => e.expireTime !== 0 && now >= e.expireTime);
    for (const e of expired) await this.revoke(e.hash);
    return expired.length;
  }

  /** Accessors of every token that is not being revoked. */
  listAccessors(): string[] {
    const out: string[] = [];
    for (const [hash, e] of this.entries) if (!this.revoking.has(hash)) out.push(e.accessor);
    return out.sort();
  }

  /**
   * What the authenticate stage hands to the rest of the pipeline. A bare token's principal is
   * `Token::"<accessor>"`; a batch token has no accessor, so its principal is named by its hash:
   * stable for the token, and an HMAC under the store's salt that reveals nothing about it.
   */
  toRequestAuth(token: string, entry: TokenEntry): RequestAuth {
    const batch = entry.type === 'batch';
    const auth: RequestAuth = {
      clientToken: token,
      accessor: entry.accessor,
      tokenHash: entry.hash,
      policies: [...entry.policies],
      displayName: entry.displayName,
      entityId: entry.entityId,
      metadata: { ...entry.meta },
      principal: entry.principal ?? { type: 'Token', id: batch ? entry.hash : entry.accessor },
      isRoot: isRootEntry(entry),
      expireTime: entry.expireTime,
    };
    if (batch) auth.batch = entry.parent === undefined ? {} : { parentHash: entry.parent };
    return auth;
  }

  private live(hash: string, includeExhausted: boolean): TokenEntry | undefined {
    const entry = this.entries.get(hash);
    if (!entry || this.revoking.has(hash)) return undefined;
    if (entry.exhausted && !includeExhausted) return undefined;
    return entry;
  }

  private revokeOne(hash: string): Promise<void> {
    const running = this.inFlight.get(hash);
    if (running) return running;
    const work = (async () => {
      const entry = this.entries.get(hash);
      if (!entry) return;
      this.revoking.add(hash);
      if (this.hooks.onRevoke) await this.hooks.onRevoke(copyEntry(entry));
      const ops: StorageOp[] = [
        { type: 'delete', key: idKey(hash) },
        { type: 'delete', key: accessorKey(this.hmac('accessor', entry.accessor)) },
      ];
      if (entry.parent) ops.push({ type: 'delete', key: parentKey(entry.parent, hash) });
      await this.serial(hash, () => this.view.batch(ops));
      this.unindex(entry);
      this.revoking.delete(hash);
    })();
    this.inFlight.set(hash, work);
    const clear = () => {
      this.inFlight.delete(hash);
    };
    work.then(clear, clear);
    return work;
  }

  private index(entry: TokenEntry): void {
    this.entries.set(entry.hash, entry);
    this.byAccessor.set(this.hmac('accessor', entry.accessor), entry.hash);
    if (entry.parent) {
      let set = this.children.get(entry.parent);
      if (!set) this.children.set(entry.parent, (set = new Set()));
      set.add(entry.hash);
    }
  }

  private unindex(entry: TokenEntry): void {
    this.entries.delete(entry.hash);
    this.byAccessor.delete(this.hmac('accessor', entry.accessor));
    if (entry.parent) {
      const set = this.children.get(entry.parent);
      set?.delete(entry.hash);
      if (set?.size === 0) this.children.delete(entry.parent);
    }
    this.children.delete(entry.hash);
  }

  /** Writes the token's current in-memory state (nothing, if it is gone by then). */
  private persist(hash: string): Promise<void> {
    return this.serial(hash, async () => {
      const entry = this.entries.get(hash);
      if (entry) await this.view.putJson(idKey(hash), entry);
    });
  }

  /** Runs storage operations for one token in call order. */
  private serial(hash: string, op: () => Promise<void>): Promise<void> {
    const previous = this.writeChains.get(hash) ?? Promise.resolve();
    const next = previous.then(op, op);
    this.writeChains.set(hash, next);
    const clear = () => {
      if (this.writeChains.get(hash) === next) this.writeChains.delete(hash);
    };
    next.then(clear, clear);
    return next;
  }

  private hmac(domain: 'token' | 'accessor', value: string): string {
    if (!this.salt) throw new VaultError('internal', 'token store is not set up');
    return createHmac('sha256', this.salt).update(`${domain}\0${value}`).digest('hex');
  }
}
