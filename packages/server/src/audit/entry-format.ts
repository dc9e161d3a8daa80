import { createHmac } from 'node:crypto';
import type { AuditAuth, AuditEvent, AuditResponseBody } from './audit-event.js';

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
/** Tokens whose HMACs are remembered (see {@link EntryFormatter.authHashes}). */
const AUTH_MEMO_SIZE = 4096;

interface AuthHashes {
  readonly clientToken: string;
  readonly accessor: string;
}

/**
 * Renders audit events as Vault's JSON entries (spec §2.5): every string value of request and
 * response data HMAC'd with the device's salt, tokens and accessors HMAC'd, headers dropped.
 * Without a salt (the vault is sealed) nothing that would need hashing is written at all.
 *
 * INVARIANT: no string from request or response data, no token and no accessor reaches `body`
 * un-hashed unless `logRaw` is set.
 */
export class EntryFormatter {
  /** accessor → the logged forms of its token and accessor; least recently used first. */
  private readonly authMemo = new Map<string, AuthHashes>();

  constructor(
    private salt: Uint8Array | undefined,
    private readonly options: FormatOptions,
  ) {}

  /** Drops the salt on seal; entries written until the next unseal carry metadata only. */
  setSalt(salt: Uint8Array | undefined): void {
    this.salt = salt;
    this.authMemo.clear();
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
    const h = (v: string) => (this.options.logRaw ? v : this.hash(v));
    const entry: Record<string, unknown> = { time: event.time, timestamp: event.time, type: event.type };
    let principal = '';
    const authHashes = event.auth && !sealed ? this.authHashes(event.auth) : undefined;
    if (event.auth && authHashes) {
      const a = event.auth;
      const accessor = authHashes.accessor;
      // A token principal's id is its accessor: hash it alike.
      const pid = a.principal.type === 'Token' && a.principal.id === a.accessor ? accessor : a.principal.id;
      principal = `${a.principal.type}::"${pid}"`;
      entry['auth'] = {
        client_token: authHashes.clientToken,
        accessor,
        display_name: a.displayName,
        policies: a.policies,
        token_policies: a.policies,
        metadata: a.metadata ?? null,
        entity_id: a.entityId,
        principal,
      };
    }
    const request: Record<string, unknown> = {
      id: event.requestId,
      operation: event.operation,
      path: event.path,
      remote_address: event.remoteAddress,
      mount_type: event.mountType ?? '',
    };
    if (event.resource !== undefined) request['resource'] = event.resource;
    if (authHashes) {
      request['client_token'] = authHashes.clientToken;
      request['client_token_accessor'] = authHashes.accessor;
    }
    if (event.data && !sealed && Object.keys(event.data).length > 0) {
      const skip = new Set((event.nonHmacRequestKeys ?? []).filter((k) => !event.sensitiveKeys?.includes(k)));
      request['data'] = this.options.logRaw ? event.data : hashValues(event.data, h, skip);
    }
    if (event.wrapTtl !== undefined) request['wrap_ttl'] = event.wrapTtl;
    entry['request'] = request;
    if (event.type === 'response') {
      const response: Record<string, unknown> = { status: event.status ?? 0, mount_type: event.mountType ?? '' };
      if (event.response && !sealed) Object.assign(response, this.responseFields(event.response, h, event.nonHmacResponseKeys));
      entry['response'] = response;
    }
    let decision = '';
    if (event.decision) {
      decision = event.decision.allowed ? 'allow' : 'deny';
      entry['cedar_policy'] = { decision, policy_ids: event.decision.policyIds, errors: event.decision.errors };
    }
    entry['error'] = event.error ?? '';
    return {
      body: JSON.stringify(entry),
      meta: {
        time: event.time,
        type: event.type,
        requestId: event.requestId,
        operation: event.operation,
        path: event.path,
        resource: event.resource ?? '',
        principal,
        decision,
        status: event.type === 'response' ? (event.status ?? 0) : null,
      },
    };
  }

  /**
   * The logged forms of the caller's token and accessor. Every entry carries them twice and
   * every request writes two entries, all for the same few tokens, so they are remembered per
   * accessor (accessors are unique per token): four HMACs a request become none. The memo holds
   * accessors and HMACs, never a token; it is dropped with the salt.
   */
  private authHashes(a: AuditAuth): AuthHashes {
    const compute = (): AuthHashes => ({
      clientToken: this.options.logRaw ? a.clientToken : this.hash(a.clientToken),
      accessor: this.options.logRaw || !this.options.hmacAccessor ? a.accessor : this.hash(a.accessor),
    });
    if (this.options.logRaw || a.accessor === '') return compute();
    const known = this.authMemo.get(a.accessor);
    if (known !== undefined) {
      this.authMemo.delete(a.accessor);
      this.authMemo.set(a.accessor, known);
      return known;
    }
    const fresh = compute();
    if (this.authMemo.size >= AUTH_MEMO_SIZE) this.authMemo.delete(this.authMemo.keys().next().value!);
    this.authMemo.set(a.accessor, fresh);
    return fresh;
  }

  private responseFields(res: AuditResponseBody, h: (v: string) => string, nonHmac?: readonly string[]): Record<string, unknown> {
    if (res.kind === 'raw') {
      // Vault's shape for non-envelope bodies (sys/init, CA keys): the body is one hashed value.
      const text = typeof res.body === 'string' ? res.body : Buffer.from(res.body).toString('base64');
      return { data: { http_content_type: res.contentType, http_raw_body: h(text) } };
    }
    const body = res.body;
    if (!isRecord(body)) return {};
    const out: Record<string, unknown> = {};
    if (isRecord(body['data'])) out['data'] = this.options.logRaw ? body['data'] : hashValues(body['data'], h, new Set(nonHmac));
    if (Array.isArray(body['errors'])) out['errors'] = body['errors'];
    if (typeof body['lease_id'] === 'string' && body['lease_id']) out['secret'] = { lease_id: body['lease_id'] };
    if (Array.isArray(body['warnings'])) out['warnings'] = body['warnings'];
    if (isRecord(body['auth'])) {
      const a = body['auth'];
      out['auth'] = {
        ...a,
        client_token: typeof a['client_token'] === 'string' ? h(a['client_token']) : a['client_token'],
        accessor:
          typeof a['accessor'] === 'string' && this.options.hmacAccessor ? h(a['accessor']) : a['accessor'],
      };
    }
    if (isRecord(body['wrap_info'])) {
      const w = body['wrap_info'];
      out['wrap_info'] = {
        ...w,
        token: typeof w['token'] === 'string' ? h(w['token']) : w['token'],
        accessor: typeof w['accessor'] === 'string' && this.options.hmacAccessor ? h(w['accessor']) : w['accessor'],
        ...(typeof w['wrapped_accessor'] === 'string' &&
          this.options.hmacAccessor && { wrapped_accessor: h(w['wrapped_accessor']) }),
      };
    }
    return out;
  }
}

/** Every string, at any depth, hashed; numbers, booleans and null kept (as Vault does). */
function hashValues(value: unknown, h: (v: string) => string, skipTop?: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return h(value);
  if (Array.isArray(value)) return value.map((v) => hashValues(v, h));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = skipTop?.has(k) ? v : hashValues(v, h);
    return out;
  }
  return value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
