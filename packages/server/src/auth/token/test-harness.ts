/**
 * Tier-1 test harness (STYLE.md, "Tests"): runs path declarations on an in-memory view, the way
 * the router and pipeline will, without HTTP. Used by the token, cubbyhole and wrapping tests.
 */
import { randomBytes } from 'node:crypto';
import { AesGcmBarrier } from '../../barrier/aes-gcm-barrier.js';
import { permissionDenied, unsupportedOperation, unsupportedPath } from '../../errors.js';
import type {
  AuthzTarget,
  Clock,
  EngineRequest,
  EngineResponse,
  MountEntry,
  Operation,
  PathSpec,
  RequestAuth,
} from '../../framework/engine.js';
import { parseFields } from '../../framework/fields.js';
import { compilePattern, matchPattern } from '../../framework/pattern.js';
import { InmemBackend } from '../../storage/inmem-backend.js';
import { childrenOf, type StorageOp } from '../../storage/storage-backend.js';
import { PrefixView, type RawStore, type StorageView } from '../../storage/storage-view.js';
import { cubbyholeViewFor, destroyCubbyhole } from '../../engines/cubbyhole/index.js';
import { consumesUse } from '../../wrapping/response-wrapper.js';
import { tokenEngine } from './index.js';
import { TokenStore } from './token-store.js';

/** A Map-backed RawStore; `dump()` exposes every key and value for leak checks. */
export class MemoryStore implements RawStore {
  readonly map = new Map<string, Uint8Array>();
  async get(key: string) {
    const v = this.map.get(key);
    return v === undefined ? undefined : new Uint8Array(v);
  }
  async put(key: string, value: Uint8Array) {
    this.map.set(key, new Uint8Array(value));
  }
  async delete(key: string) {
    this.map.delete(key);
  }
  async list(prefix: string) {
    return childrenOf(prefix, this.map.keys());
  }
  async batch(ops: readonly StorageOp[]) {
    for (const op of ops) {
      if (op.type === 'put') this.map.set(op.key, new Uint8Array(op.value));
      else this.map.delete(op.key);
    }
  }
  async *keys(prefix: string): AsyncIterable<string> {
    for (const key of [...this.map.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }
  /** Every key and value as text. */
  dump(): Array<[string, string]> {
    return [...this.map].map(([k, v]) => [k, Buffer.from(v).toString('utf8')]);
  }
}

/** A real barrier on an in-memory backend, initialised and unsealed: it seals batch tokens. */
export async function unsealedBarrier(): Promise<AesGcmBarrier> {
  const barrier = new AesGcmBarrier(new InmemBackend());
  await barrier.initialize(randomBytes(32));
  return barrier;
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2026, 0, 1)) {}
  now() {
    return this.ms;
  }
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

export function mountEntry(path: string, type: string, kind: 'secrets' | 'auth'): MountEntry {
  return {
    path,
    type,
    uuid: `uuid-${type}`,
    accessor: `${type}_0001`,
    description: '',
    config: { default_lease_ttl: 0, max_lease_ttl: 0 },
    options: {},
    local: false,
    seal_wrap: false,
    kind,
  };
}

export interface CallOptions {
  operation: Operation;
  path: string;
  data?: Record<string, unknown>;
  auth?: RequestAuth | undefined;
  storage: StorageView;
  mount: MountEntry;
  wrapTtl?: number;
}

/** Finds the path, validates fields and runs the handler; returns the response and the Cedar target. */
export async function call(
  paths: readonly PathSpec[],
  opts: CallOptions,
): Promise<{ response: EngineResponse | undefined; authz: AuthzTarget | undefined }> {
  let best: { spec: PathSpec; captures: Record<string, string>; specificity: number } | undefined;
  for (const spec of paths) {
    for (const template of typeof spec.pattern === 'string' ? [spec.pattern] : spec.pattern) {
      const compiled = compilePattern(template);
      const captures = matchPattern(compiled, opts.path);
      if (captures && (!best || compiled.specificity > best.specificity)) {
        best = { spec, captures, specificity: compiled.specificity };
      }
    }
  }
  if (!best) throw unsupportedPath(opts.path);
  const input = { ...(opts.data ?? {}), ...best.captures };
  const data = parseFields(best.spec.fields, input);
  const base = {
    id: 'req-1',
    path: opts.path,
    data,
    raw: opts.data ?? {},
    storage: opts.storage,
    mount: opts.mount,
    auth: opts.auth,
    remoteAddress: '127.0.0.1',
    headers: {},
  };
  let operation = opts.operation;
  const probe: EngineRequest<typeof data> = { ...base, operation, ...(opts.wrapTtl ? { wrapTtl: opts.wrapTtl } : {}) };
  if (operation === 'update' && best.spec.exists && best.spec.operations.create) {
    operation = (await best.spec.exists(probe)) ? 'update' : 'create';
  }
  const req: EngineRequest<typeof data> = { ...probe, operation };
  const op = best.spec.operations[operation];
  if (!op) throw unsupportedOperation();
  const authz = best.spec.authz?.(req);
  return { response: await op.handle(req), authz };
}

/**
 * A token store, the token engine mounted at `auth/token/` and a cubbyhole mount, with a request
 * helper that authenticates like the pipeline: lookup, consume a use, handle, then revoke a
 * token whose last use this was.
 */
export class TokenHarness {
  readonly raw = new MemoryStore();
  readonly clock = new ManualClock();
  readonly tokenView: StorageView = new PrefixView(this.raw, 'sys/token/');
  readonly tokenMountView: StorageView = new PrefixView(this.raw, 'logical/auth-token/');
  readonly cubbyholeRoot: StorageView = new PrefixView(this.raw, 'logical/cubbyhole/');
  readonly tokenMount = mountEntry('auth/token/', 'token', 'auth');
  /** Sealed until `start()` initialises it. */
  readonly barrier = new AesGcmBarrier(new InmemBackend());
  /** Accessors of revoked tokens, in the order the hook saw them. */
  readonly revoked: string[] = [];
  readonly store: TokenStore;
  rootToken = '';
  private paths: readonly PathSpec[] = [];

  constructor() {
    // As the server will wire it: a revoked token takes its cubbyhole with it.
    this.store = new TokenStore(this.tokenView, this.clock, this.barrier, {
      onRevoke: async (entry) => {
        this.revoked.push(entry.accessor);
        await destroyCubbyhole(this.cubbyholeRoot, entry.hash);
      },
    });
  }

  async start(): Promise<this> {
    await this.barrier.initialize(randomBytes(32));
    await this.store.setup();
    const spec = await tokenEngine(this.store)({
      storage: this.tokenMountView,
      mount: this.tokenMount,
      clock: this.clock,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    this.paths = spec.paths;
    this.rootToken = (await this.store.createRoot()).token;
    return this;
  }

  /** The pipeline's authenticate stage, minus Cedar. `fullPath` is the path after `/v1/`. */
  async authenticate(token: string, fullPath = ''): Promise<{ auth: RequestAuth; lastUse: boolean; hash: string }> {
    const entry = await this.store.lookup(token);
    if (!entry) throw permissionDenied();
    const lastUse = entry.numUses > 0 && consumesUse(fullPath, entry) ? await this.store.consumeUse(entry) : false;
    return { auth: this.store.toRequestAuth(token, entry), lastUse, hash: entry.hash };
  }

  /** Runs `paths` as `token`; defaults to the token engine's paths and mount. */
  async request(
    token: string,
    operation: Operation,
    path: string,
    data: Record<string, unknown> = {},
    target: { paths?: readonly PathSpec[]; storage?: StorageView; mount?: MountEntry; perToken?: boolean; wrapTtl?: number } = {},
  ): Promise<EngineResponse | undefined> {
    const mount = target.mount ?? this.tokenMount;
    const { auth, lastUse, hash } = await this.authenticate(token, mount.path + path);
    try {
      const storage = target.perToken ? cubbyholeViewFor(target.storage ?? this.cubbyholeRoot, hash) : (target.storage ?? this.tokenMountView);
      const opts: CallOptions = { operation, path, data, auth, storage, mount };
      if (target.wrapTtl !== undefined) opts.wrapTtl = target.wrapTtl;
      return (await call(target.paths ?? this.paths, opts)).response;
    } finally {
      if (lastUse) await this.store.revoke(hash);
    }
  }

  /** Creates a token as `parent` through `auth/token/create`; returns the token and accessor. */
  async createToken(parent: string, body: Record<string, unknown> = {}, path = 'create'): Promise<{ token: string; accessor: string }> {
    const res = await this.request(parent, 'update', path, body);
    const auth = res?.auth;
    if (!auth?.clientToken || !auth.accessor) throw new Error('no token in response');
    return { token: auth.clientToken, accessor: auth.accessor };
  }
}
