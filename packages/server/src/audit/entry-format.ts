import { createHmac } from 'node:crypto';
import { isDeeplyFrozen } from '../framework/record-cache.js';
import type { AuditAuth, AuditedHeader, AuditEvent, AuditResponseBody } from './audit-event.js';

/** How a device renders entries (Vault's device options `hmac_accessor` and `log_raw`). */
export interface FormatOptions {
  /** HMAC token accessors (Vault's default `true`). */
  readonly hmacAccessor: boolean;
  /** Log every value raw, tokens included (Vault's `log_raw`; off by default). */
  readonly logRaw: boolean;
}

/** The columns a database device indexes, extracted once while formatting. */
export interface EntryMeta {
  readonly time: string;
  readonly type: string;
  readonly requestId: string;
  readonly operation: string;
  readonly path: string;
  readonly resource: string;
  readonly principal: string;
  readonly decision: string;
  readonly status: number | null;
}

export interface FormattedEntry {
  /** One JSON object, no newline; the chain fields are prepended when it is written. */
  readonly body: string;
  readonly meta: EntryMeta;
}

const PREFIX = 'hmac-sha256:';
/** Tokens whose logged auth block is remembered (see {@link EntryFormatter.authPart}). */
const AUTH_MEMO_SIZE = 4096;
/** Requests in flight whose request block is remembered for their response entry. */
const REQUEST_MEMO_SIZE = 4096;

/**
 * A caller's `auth` block as logged, remembered per accessor (accessors are unique per token),
 * with the fields it was rendered from: the pipeline hands every request fresh copies of them,
 * so they are compared by value before the block is reused. Holds HMACs, never a token.
 */
interface AuthPart {
  readonly clientToken: string;
  readonly accessor: string;
  readonly principal: string;
  readonly json: string;
  readonly source: Omit<AuditAuth, 'clientToken' | 'accessor'>;
}

/** What the chain and a database device need besides the body. */
interface RequestPart {
  readonly json: string;
}

/**
 * Renders audit events as Vault's JSON entries (spec §2.5): every string value of request and
 * response data HMAC'd with the device's salt, tokens and accessors HMAC'd, headers dropped
 * except those configured in `sys/config/auditing/request-headers` (part of the request block).
 * Without a salt (the vault is sealed) nothing that would need hashing is written at all.
 *
 * Speed (issue 4): an entry is assembled from JSON fragments, and the fragments that repeat are
 * rendered once — the caller's auth block per accessor, the request block once for a request's
 * two entries (AuditEvent.pair), and the hashed form of deep-frozen response data (records the
 * engines cache, framework/record-cache.ts) per object. A reused fragment is exactly what
 * rendering again would give; all of it is dropped with the salt. Nothing is remembered by the
 * value it hashes, so no memo can tell whether a guessed secret was seen before.
 *
 * INVARIANT: no string from request or response data, no token and no accessor reaches `body`
 * un-hashed unless `logRaw` is set; a token-carrying header (request-headers.ts) never does.
 */
export class EntryFormatter {
  /** accessor → its rendered auth block; least recently used first. */
  private authMemo = new Map<string, AuthPart>();
  /**
   * AuditEvent.pair → the request block both entries of that request carry, from its request
   * entry until its response entry (a Map, not a WeakMap: ephemerons made GC dearer than the
   * rendering they saved). Bounded for requests whose response is never logged.
   */
  private requestMemo = new Map<object, RequestPart>();
  /** deep-frozen response data → its hashed JSON. */
  private frozenMemo = new WeakMap<object, string>();

  constructor(
    private salt: Uint8Array | undefined,
    private readonly options: FormatOptions,
  ) {}

  /** Drops the salt on seal; entries written until the next unseal carry metadata only. */
  setSalt(salt: Uint8Array | undefined): void {
    this.salt = salt;
    this.authMemo = new Map();
    this.requestMemo = new Map();
    this.frozenMemo = new WeakMap();
  }

  get hasSalt(): boolean {
    return this.salt !== undefined;
  }

  /** `hmac-sha256:<hex>` of `value` (what `sys/audit-hash` answers). */
  hash(value: string): string {
    if (!this.salt) throw new Error('audit salt unavailable while sealed');
    return PREFIX + createHmac('sha256', this.salt).update(value).digest('hex');
  }

  format(event: AuditEvent): FormattedEntry {
    const sealed = !this.salt;
    const auth = event.auth && !sealed ? this.authPart(event.auth) : undefined;
    const time = JSON.stringify(event.time);
    let body = `{"time":${time},"timestamp":${time},"type":${JSON.stringify(event.type)}`;
    if (auth) body += `,"auth":${auth.json}`;
    body += `,"request":${this.requestPart(event, auth, sealed).json}`;
    if (event.type === 'response') {
      body += `,"response":{"status":${JSON.stringify(event.status ?? 0)},"mount_type":${JSON.stringify(event.mountType ?? '')}`;
      if (event.response && !sealed) body += this.responseFields(event.response, event.nonHmacResponseKeys);
      body += '}';
    }
    let decision = '';
    if (event.decision) {
      decision = event.decision.allowed ? 'allow' : 'deny';
      body += `,"cedar_policy":${JSON.stringify({ decision, policy_ids: event.decision.policyIds, errors: event.decision.errors })}`;
    }
    body += `,"error":${JSON.stringify(event.error ?? '')}}`;
    return {
      body,
      meta: {
        time: event.time,
        type: event.type,
        requestId: event.requestId,
        operation: event.operation,
        path: event.path,
        resource: event.resource ?? '',
        principal: auth?.principal ?? '',
        decision,
        status: event.type === 'response' ? (event.status ?? 0) : null,
      },
    };
  }

  /** A string as logged: HMAC'd, or raw with `log_raw`. */
  private logged(value: string): string {
    return this.options.logRaw ? value : this.hash(value);
  }

  /** An accessor as logged (`hmac_accessor`). A batch token has none: '' stays '', as in Vault. */
  private loggedAccessor(value: string): string {
    return value !== '' && this.options.hmacAccessor ? this.logged(value) : value;
  }

  /**
   * The `auth` block and the logged token and accessor. Every entry carries them and every
   * request writes two entries, all for the same few tokens: remembered per accessor, four
   * HMACs and a JSON rendering a request become a comparison of a few fields.
   */
  private authPart(a: AuditAuth): AuthPart {
    const memoised = !this.options.logRaw && a.accessor !== '';
    const known = memoised ? this.authMemo.get(a.accessor) : undefined;
    if (known !== undefined && sameAuth(known.source, a)) {
      this.authMemo.delete(a.accessor);
      this.authMemo.set(a.accessor, known);
      return known;
    }
    const clientToken = known?.clientToken ?? this.logged(a.clientToken);
    const accessor = known?.accessor ?? this.loggedAccessor(a.accessor);
    // A token principal's id is its accessor: log it alike. (A batch token's is the token's
    // salted hash, which gives nothing away, so it is logged as is.)
    const pid = a.principal.type === 'Token' && a.principal.id === a.accessor ? accessor : a.principal.id;
    const principal = `${a.principal.type}::"${pid}"`;
    const json = JSON.stringify({
      client_token: clientToken,
      accessor,
      display_name: a.displayName,
      policies: a.policies,
      token_policies: a.policies,
      metadata: a.metadata ?? null,
      entity_id: a.entityId,
      principal,
    });
    const { clientToken: _t, accessor: _a, ...source } = a;
    const part: AuthPart = { clientToken, accessor, principal, json, source };
    if (memoised) {
      this.authMemo.delete(a.accessor);
      if (this.authMemo.size >= AUTH_MEMO_SIZE) this.authMemo.delete(this.authMemo.keys().next().value!);
      this.authMemo.set(a.accessor, part);
    }
    return part;
  }

  /** The `request` block, rendered once for both entries of a request that has a `pair`. */
  private requestPart(event: AuditEvent, auth: AuthPart | undefined, sealed: boolean): RequestPart {
    const pair = event.pair;
    if (pair !== undefined && event.type === 'response') {
      const known = this.requestMemo.get(pair);
      if (known !== undefined) {
        this.requestMemo.delete(pair);
        return known;
      }
    }
    const request: Record<string, unknown> = {
      id: event.requestId,
      operation: event.operation,
      path: event.path,
      remote_address: event.remoteAddress,
      mount_type: event.mountType ?? '',
    };
    if (event.resource !== undefined) request['resource'] = event.resource;
    if (auth) {
      request['client_token'] = auth.clientToken;
      request['client_token_accessor'] = auth.accessor;
    }
    let json = JSON.stringify(request);
    if (event.data && !sealed && Object.keys(event.data).length > 0) {
      const skip = new Set((event.nonHmacRequestKeys ?? []).filter((k) => !event.sensitiveKeys?.includes(k)));
      json = `${json.slice(0, -1)},"data":${this.options.logRaw ? JSON.stringify(event.data) : this.hashedJson(event.data, skip)}}`;
    }
    if (event.headers !== undefined && !sealed) json = `${json.slice(0, -1)},"headers":${this.headersJson(event.headers)}}`;
    if (event.wrapTtl !== undefined) json = `${json.slice(0, -1)},"wrap_ttl":${JSON.stringify(event.wrapTtl)}}`;
    const part = { json };
    if (pair !== undefined && event.type === 'request') {
      if (this.requestMemo.size >= REQUEST_MEMO_SIZE) this.requestMemo.delete(this.requestMemo.keys().next().value!);
      this.requestMemo.set(pair, part);
    }
    return part;
  }

  /**
   * Vault's `request.headers`: `{"name": ["value", …]}`. Headers configured with `hmac` are
   * hashed even under `log_raw`, as Vault's GetHash does; the rest are logged as sent.
   */
  private headersJson(headers: Readonly<Record<string, AuditedHeader>>): string {
    const out: Record<string, readonly string[]> = {};
    for (const name in headers) {
      const h = headers[name]!;
      out[name] = h.hmac ? h.values.map((v) => this.hash(v)) : h.values;
    }
    return JSON.stringify(out);
  }

  /** The response block's fields after `status` and `mount_type`, each as `,"name":<json>`. */
  private responseFields(res: AuditResponseBody, nonHmac?: readonly string[]): string {
    if (res.kind === 'raw') {
      // Vault's shape for non-envelope bodies (sys/init, CA keys): the body is one hashed value.
      const text = typeof res.body === 'string' ? res.body : Buffer.from(res.body).toString('base64');
      return `,"data":${JSON.stringify({ http_content_type: res.contentType, http_raw_body: this.logged(text) })}`;
    }
    const body = res.body;
    if (!isRecord(body)) return '';
    let out = '';
    const field = (name: string, value: unknown) => {
      out += `,"${name}":${JSON.stringify(value)}`;
    };
    if (isRecord(body['data'])) {
      const skip = nonHmac && nonHmac.length > 0 ? new Set(nonHmac) : undefined;
      out += `,"data":${this.options.logRaw ? JSON.stringify(body['data']) : this.hashedJson(body['data'], skip)}`;
    }
    if (Array.isArray(body['errors'])) field('errors', body['errors']);
    if (typeof body['lease_id'] === 'string' && body['lease_id']) field('secret', { lease_id: body['lease_id'] });
    if (Array.isArray(body['warnings'])) field('warnings', body['warnings']);
    if (isRecord(body['auth'])) {
      const a = body['auth'];
      field('auth', {
        ...a,
        client_token: typeof a['client_token'] === 'string' ? this.logged(a['client_token']) : a['client_token'],
        accessor: typeof a['accessor'] === 'string' ? this.loggedAccessor(a['accessor']) : a['accessor'],
      });
    }
    if (isRecord(body['wrap_info'])) {
      const w = body['wrap_info'];
      field('wrap_info', {
        ...w,
        token: typeof w['token'] === 'string' ? this.logged(w['token']) : w['token'],
        accessor: typeof w['accessor'] === 'string' ? this.loggedAccessor(w['accessor']) : w['accessor'],
        ...(typeof w['wrapped_accessor'] === 'string' &&
          this.options.hmacAccessor && { wrapped_accessor: this.logged(w['wrapped_accessor']) }),
      });
    }
    return out;
  }

  /**
   * The JSON of `value` with every string, at any depth, HMAC'd; numbers, booleans and null
   * kept (as Vault does). Keys in `skipTop` keep their value raw at the top level. Exactly
   * `JSON.stringify` of the hashed copy — including `undefined` for values JSON leaves out —
   * with the text of deep-frozen objects remembered.
   */
  hashedJson(value: unknown, skipTop?: ReadonlySet<string>): string | undefined {
    if (typeof value === 'string') return JSON.stringify(this.logged(value));
    if (typeof value !== 'object' || value === null || !(Array.isArray(value) || isRecord(value))) return JSON.stringify(value);
    const frozen = skipTop === undefined && isDeeplyFrozen(value);
    if (frozen) {
      const known = this.frozenMemo.get(value);
      if (known !== undefined) return known;
    }
    let json: string;
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let i = 0; i < value.length; i++) items.push(this.hashedJson(value[i]) ?? 'null');
      json = '[' + items.join(',') + ']';
    } else {
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        const text = skipTop?.has(k) ? JSON.stringify(v) : this.hashedJson(v);
        if (text !== undefined) parts.push(JSON.stringify(k) + ':' + text);
      }
      json = '{' + parts.join(',') + '}';
    }
    if (frozen) this.frozenMemo.set(value, json);
    return json;
  }
}

/** True when `a` carries the fields `source` was rendered from. */
function sameAuth(source: AuthPart['source'], a: AuditAuth): boolean {
  return (
    source.displayName === a.displayName &&
    source.entityId === a.entityId &&
    source.principal.type === a.principal.type &&
    source.principal.id === a.principal.id &&
    sameStrings(source.policies, a.policies) &&
    sameRecord(source.metadata, a.metadata)
  );
}

const sameStrings = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);

function sameRecord(x: Readonly<Record<string, string>> | undefined, y: Readonly<Record<string, string>> | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  const keys = Object.keys(x);
  return sameStrings(keys, Object.keys(y)) && keys.every((k) => x[k] === y[k]);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
