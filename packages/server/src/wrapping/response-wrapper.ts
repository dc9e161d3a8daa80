import { invalidRequest } from '../errors.js';
import type { TokenEntry } from '../auth/token/token-entry.js';
import type { TokenStore } from '../auth/token/token-store.js';
import { cubbyholeViewFor, destroyCubbyhole } from '../engines/cubbyhole/index.js';
import type { Clock } from '../framework/engine.js';
import type { StorageView } from '../storage/storage-view.js';

/** Vault's `wrap_info` (spec §1.4). A type alias, so it fits `EngineResponse.wrapInfo`. */
export type WrapInfo = {
  token: string;
  accessor: string;
  ttl: number;
  /** RFC 3339 with milliseconds. */
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
};

export const WRAPPING_POLICY = 'response-wrapping';
const RESPONSE_KEY = 'response';
const INVALID = 'wrapping token is not valid or does not exist';

/** What a wrapping token carries in `TokenEntry.internal`. */
interface WrapMeta {
  wrapping: true;
  creationTime: string;
  wrappedAccessor?: string;
}

const wrapMeta = (entry: TokenEntry): WrapMeta | undefined => {
  const internal = entry.internal;
  if (!internal || internal['wrapping'] !== true || typeof internal['creationTime'] !== 'string') return undefined;
  const meta: WrapMeta = { wrapping: true, creationTime: internal['creationTime'] };
  if (typeof internal['wrappedAccessor'] === 'string') meta.wrappedAccessor = internal['wrappedAccessor'];
  return meta;
};

/** Whether a token is a response-wrapping token (single use, only for `sys/wrapping/*`). */
export function isWrappingToken(entry: TokenEntry): boolean {
  return entry.policies.length === 1 && entry.policies[0] === WRAPPING_POLICY && wrapMeta(entry) !== undefined;
}

/**
 * Whether a request should consume one of the calling token's uses. A wrapping token looking
 * itself up (`sys/wrapping/lookup`) must not: its one use is for unwrapping (Vault does the same).
 * `path` is the full request path, e.g. `sys/wrapping/lookup`.
 */
export function consumesUse(path: string, entry: TokenEntry): boolean {
  return !(isWrappingToken(entry) && path.replace(/\/+$/, '') === 'sys/wrapping/lookup');
}

/**
 * Response wrapping (https://developer.hashicorp.com/vault/docs/concepts/response-wrapping): a
 * response is stored in the cubbyhole of a new single-use, orphan token, and only that token can
 * get it back.
 *
 * The stored form is the response envelope as the client would have received it, without
 * `request_id` and `wrap_info`: `{data, auth, lease_id, lease_duration, renewable, warnings}`
 * (absent keys allowed). `unwrap` returns exactly that object.
 */
export class ResponseWrapper {
  /** Tokens being unwrapped or rewrapped right now: the first caller wins, in this process. */
  private readonly claimed = new Set<string>();

  constructor(
    private readonly store: TokenStore,
    private readonly cubbyholeRoot: StorageView,
    private readonly clock: Clock,
  ) {}

  /** Whether `token` is the caller's own token (by its hash; constant time). */
  isCallerToken(token: string, callerHash: string): boolean {
    return this.store.isToken(token, callerHash);
  }

  async wrap(
    response: Record<string, unknown>,
    ttlSeconds: number,
    creationPath: string,
    wrappedAccessor?: string,
  ): Promise<WrapInfo> {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw invalidRequest('wrap ttl must be a positive number of seconds');
    const creationTime = new Date(this.clock.now()).toISOString();
    const internal: Record<string, unknown> = { wrapping: true, creationTime };
    if (wrappedAccessor !== undefined) internal['wrappedAccessor'] = wrappedAccessor;
    const { token, entry } = await this.store.create({
      policies: [WRAPPING_POLICY],
      noDefaultPolicy: true,
      displayName: 'response-wrapping',
      numUses: 1,
      ttl: ttlSeconds,
      renewable: false,
      path: creationPath,
      internal,
    });
    try {
      await cubbyholeViewFor(this.cubbyholeRoot, entry.hash).putJson(RESPONSE_KEY, response);
    } catch (err) {
      await this.store.revoke(entry.hash);
      throw err;
    }
    const info: WrapInfo = {
      token,
      accessor: entry.accessor,
      ttl: entry.ttl,
      creation_time: creationTime,
      creation_path: creationPath,
    };
    if (wrappedAccessor !== undefined) info.wrapped_accessor = wrappedAccessor;
    return info;
  }

  /**
   * Returns the wrapped response and revokes the wrapping token. `ownToken` is true when the
   * caller authenticated with this very wrapping token: the pipeline has then consumed its one
   * use already, and only this request may still read it.
   */
  async unwrap(token: string, opts: { ownToken?: boolean } = {}): Promise<Record<string, unknown>> {
    return this.consume(token, opts.ownToken === true, (_entry, response) => Promise.resolve(response));
  }

  /** `creation_path`, `creation_time`, `creation_ttl` of a wrapping token, without using it. */
  async lookup(token: string, opts: { ownToken?: boolean } = {}): Promise<Record<string, unknown>> {
    const entry = await this.wrappingEntry(token, opts.ownToken === true);
    const meta = wrapMeta(entry);
    return { creation_path: entry.path, creation_time: meta?.creationTime ?? '', creation_ttl: entry.creationTtl };
  }

  /** Moves the wrapped response to a new wrapping token with the same TTL; the old one dies. */
  async rewrap(token: string, opts: { ownToken?: boolean } = {}): Promise<WrapInfo> {
    return this.consume(token, opts.ownToken === true, (entry, response) =>
      this.wrap(response, entry.creationTtl, entry.path, wrapMeta(entry)?.wrappedAccessor),
    );
  }

  private async wrappingEntry(token: string, own: boolean): Promise<TokenEntry> {
    if (token === '') throw invalidRequest(INVALID);
    const hash = this.store.hashToken(token);
    const entry = await this.store.lookupByHash(hash, { includeExhausted: own });
    if (!entry || !isWrappingToken(entry)) throw invalidRequest(INVALID);
    return entry;
  }

  /** Claims the token, reads the response, runs `use`, then revokes the token and its cubbyhole. */
  private async consume<T>(
    token: string,
    own: boolean,
    use: (entry: TokenEntry, response: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    const entry = await this.wrappingEntry(token, own);
    // No await between the check and the add: two racing calls cannot both pass.
    if (this.claimed.has(entry.hash)) throw invalidRequest(INVALID);
    this.claimed.add(entry.hash);
    try {
      const cubbyhole = cubbyholeViewFor(this.cubbyholeRoot, entry.hash);
      const response = await cubbyhole.getJson<Record<string, unknown>>(RESPONSE_KEY);
      if (response === undefined) throw invalidRequest(INVALID);
      const result = await use(entry, response);
      await this.store.revoke(entry.hash);
      await destroyCubbyhole(this.cubbyholeRoot, entry.hash);
      return result;
    } finally {
      this.claimed.delete(entry.hash);
    }
  }
}
