import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { unsupportedOperation, unsupportedPath, VaultError } from '../errors.js';
import { childrenOf, type StorageOp } from '../storage/storage-backend.js';
import { PrefixView, type RawStore } from '../storage/storage-view.js';
import type {
  AuthzTarget,
  Clock,
  EngineFactory,
  EngineRequest,
  EngineResponse,
  EngineSpec,
  MountEntry,
  Operation,
  RequestAuth,
} from './engine.js';
import { parseFields } from './fields.js';
import { RouteTable } from './route-table.js';

/**
 * Tier-1 test harness (STYLE.md, "Tests"): runs an engine through its declarations the way the
 * router does (match the template, validate fields, decide create vs update, call the handler)
 * on an in-memory view, with no HTTP and no pipeline.
 */

/** A Map-backed RawStore. Every call yields to the event loop so concurrent requests interleave. */
export class MapStore implements RawStore {
  readonly entries = new Map<string, Uint8Array>();

  private tick(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
  async get(key: string) {
    await this.tick();
    return this.entries.get(key);
  }
  async put(key: string, value: Uint8Array) {
    await this.tick();
    this.entries.set(key, value);
  }
  async delete(key: string) {
    await this.tick();
    this.entries.delete(key);
  }
  async list(prefix: string) {
    await this.tick();
    return childrenOf(prefix, this.entries.keys());
  }
  async batch(ops: readonly StorageOp[]) {
    await this.tick();
    for (const op of ops) {
      if (op.type === 'put') this.entries.set(op.key, op.value);
      else this.entries.delete(op.key);
    }
  }
  async *keys(prefix: string): AsyncIterable<string> {
    for (const key of [...this.entries.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }
}

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  now() {
    return this.ms;
  }
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

export type HttpOperation = 'read' | 'list' | 'update' | 'patch' | 'delete';

export interface CallResult {
  /** The operation after the create/update decision. */
  operation: Operation;
  authz: AuthzTarget | undefined;
  response: EngineResponse | undefined;
}

export interface CallOptions {
  auth?: RequestAuth;
  remoteAddress?: string;
  clientCertificate?: Uint8Array;
}

export interface EngineHarness {
  readonly engine: EngineSpec;
  readonly store: MapStore;
  readonly clock: FakeClock;
  readonly mount: MountEntry;
  call(op: HttpOperation, path: string, raw?: Record<string, unknown>, opts?: CallOptions): Promise<CallResult>;
  /** `call` returning only the response. */
  send(op: HttpOperation, path: string, raw?: Record<string, unknown>, opts?: CallOptions): Promise<EngineResponse | undefined>;
}

export function testMount(overrides: Partial<MountEntry> = {}): MountEntry {
  return {
    path: 'secret/',
    type: 'kv',
    uuid: randomUUID(),
    accessor: 'kv_0000',
    description: '',
    config: { default_lease_ttl: 0, max_lease_ttl: 0 },
    options: {},
    local: false,
    seal_wrap: false,
    kind: 'secrets',
    ...overrides,
  };
}

/** Mounts `factory` on an in-memory view and returns a way to call its paths. */
export async function mountEngine(
  factory: EngineFactory,
  overrides: Partial<MountEntry> = {},
  clock = new FakeClock(),
): Promise<EngineHarness> {
  const store = new MapStore();
  const mount = testMount(overrides);
  const storage = new PrefixView(store, `logical/${mount.uuid}/`);
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  const engine = await factory({ storage, mount, log, clock });
  const routes = new RouteTable(engine);

  const call = async (
    op: HttpOperation,
    rawPath: string,
    raw: Record<string, unknown> = {},
    opts: CallOptions = {},
  ): Promise<CallResult> => {
    // The pipeline appends '/' to LIST paths (spec §0 trap 2).
    const path = op === 'list' && rawPath !== '' && !rawPath.endsWith('/') ? `${rawPath}/` : rawPath;
    const match = routes.match(path);
    if (match === undefined) throw unsupportedPath(path);
    const data = parseFields(match.spec.fields, { ...raw, ...match.captures });
    let req: EngineRequest<typeof data> = {
      id: randomUUID(),
      operation: op,
      path,
      data,
      raw,
      storage: engine.perTokenStorage && opts.auth ? storage.sub(`${opts.auth.tokenHash}/`) : storage,
      mount,
      auth: opts.auth,
      remoteAddress: opts.remoteAddress ?? '127.0.0.1',
      ...(opts.clientCertificate && { clientCertificate: opts.clientCertificate }),
      headers: {},
    };
    const ops = match.spec.operations;
    if (op === 'update' && ops.create && !ops.update) req = { ...req, operation: 'create' };
    if (op === 'update' && ops.create && ops.update && match.spec.exists && !(await match.spec.exists(req))) {
      req = { ...req, operation: 'create' };
    }
    const operation = ops[req.operation];
    if (operation === undefined) throw unsupportedOperation();
    const authz = match.spec.authz?.(req);
    const response = await operation.handle(req);
    return { operation: req.operation, authz, response };
  };

  return {
    engine,
    store,
    clock,
    mount,
    call,
    send: async (op, path, raw, opts) => (await call(op, path, raw, opts)).response,
  };
}

/** Asserts that `promise` rejects with a VaultError of `status` (and a message matching `message`). */
export async function rejectsVault(promise: Promise<unknown>, status: number, message?: RegExp | string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof VaultError, `expected a VaultError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}
