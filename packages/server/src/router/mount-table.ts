import { randomUUID } from 'node:crypto';
import { invalidRequest, VaultError } from '../errors.js';
import type { Clock, EngineSpec, Logger, MountConfig, MountEntry } from '../framework/engine.js';
import { RouteTable } from '../framework/route-table.js';
import type { StorageView } from '../storage/storage-view.js';
import type { EngineRegistry } from './engine-registry.js';
import { randomAccessor } from './random-id.js';

/** A mount with its running engine. */
export interface MountedEngine {
  readonly entry: MountEntry;
  readonly engine: EngineSpec;
  readonly routes: RouteTable;
  /** The mount's own storage view (`logical/<uuid>/` or `auth/<uuid>/`). */
  readonly view: StorageView;
}

export interface MountRequest {
  type: string;
  description?: string;
  config?: Partial<MountConfig>;
  options?: Record<string, string>;
  local?: boolean;
  seal_wrap?: boolean;
}

/**
 * What other services do when a mount goes away or moves (composed in server.ts). Each runs
 * after the request is validated and before the table changes, so a failure keeps the mount
 * where it was and the operator can retry.
 */
export interface MountHooks {
  /** Leases revoked, an auth method's tokens revoked, quotas dropped. */
  beforeUnmount?(entry: MountEntry): Promise<void>;
  /** Quotas moved to `to`; the entry still has its old path. */
  beforeRemount?(entry: MountEntry, to: string): Promise<void>;
}

/** Mounts that always exist and cannot be disabled or moved. */
const BUILTIN_PATHS = new Set(['sys/', 'cubbyhole/', 'identity/', 'auth/token/']);
const BUILTINS: ReadonlyArray<{ path: string } & MountRequest> = [
  { path: 'sys/', type: 'system', description: 'system endpoints used for control, policy and debugging' },
  { path: 'cubbyhole/', type: 'cubbyhole', description: 'per-token private secret storage' },
  { path: 'identity/', type: 'identity', description: 'identity store' },
  { path: 'auth/token/', type: 'token', description: 'token based credentials' },
];

/** Prefixes no user mount may take. */
const RESERVED_PREFIXES = ['sys/', 'auth/', 'cubbyhole/', 'identity/'];

/** The system's default lease TTLs (Vault's 768h). */
export const SYSTEM_MAX_TTL = 32 * 24 * 3600;

/**
 * The mount table: which engine serves which path prefix. Persisted through the barrier at
 * `core/mounts`; the longest mount path that prefixes a request path wins.
 */
export class MountTable {
  private mounts: MountedEngine[] = [];

  constructor(
    private readonly core: StorageView,
    private readonly root: StorageView,
    private readonly registry: EngineRegistry,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly hooks: MountHooks = {},
  ) {}

  /** Loads the persisted table (creating the built-in mounts on first start) and starts every engine. */
  async load(extraDefaults: Array<{ path: string } & MountRequest> = []): Promise<void> {
    let entries = await this.core.getJson<MountEntry[]>('mounts');
    const fresh = !entries;
    entries ??= [];
    // Built-in mounts always exist; a table written before one was added gets it now.
    const wanted = [...BUILTINS, ...(fresh ? extraDefaults : [])];
    const missing = wanted.filter((d) => !entries!.some((e) => e.path === d.path));
    if (missing.length > 0) {
      for (const d of missing) entries.push(this.newEntry(d.path, d));
      await this.core.putJson('mounts', entries);
    }
    this.mounts = [];
    for (const entry of entries) this.mounts.push(await this.start(entry));
    this.sort();
  }

  /** Stops every engine (on seal). */
  async close(): Promise<void> {
    const mounts = this.mounts;
    this.mounts = [];
    await Promise.allSettled(mounts.map((m) => m.engine.close?.()));
  }

  /** Longest-prefix match of a normalised request path. */
  match(path: string): { mounted: MountedEngine; relative: string } | undefined {
    const withSlash = path.endsWith('/') ? path : path + '/';
    for (const mounted of this.mounts) {
      if (withSlash.startsWith(mounted.entry.path)) {
        return { mounted, relative: path.slice(mounted.entry.path.length) };
      }
    }
    return undefined;
  }

  /** Every running engine with its mount path (for the periodic jobs). */
  *engines(): Iterable<{ path: string; engine: EngineSpec }> {
    for (const m of this.mounts) yield { path: m.entry.path, engine: m.engine };
  }

  byUuid(uuid: string): MountedEngine | undefined {
    return this.mounts.find((m) => m.entry.uuid === uuid);
  }

  list(kind: 'secrets' | 'auth'): MountEntry[] {
    return this.mounts
      .filter((m) => m.entry.kind === kind)
      .map((m) => m.entry)
      .sort((a, b) => a.path.localeCompare(b.path));
  }

  get(path: string): MountedEngine | undefined {
    const p = withSlash(path);
    return this.mounts.find((m) => m.entry.path === p);
  }

  async mount(path: string, req: MountRequest): Promise<MountEntry> {
    const p = withSlash(path);
    const kind = p.startsWith('auth/') ? 'auth' : 'secrets';
    if (kind === 'secrets' && RESERVED_PREFIXES.some((r) => p.startsWith(r))) {
      throw invalidRequest(`cannot mount at reserved path \`${p}\``);
    }
    if (kind === 'auth' && p === 'auth/') throw invalidRequest('auth path must not be empty');
    this.assertFree(p);
    if (!this.registry.get(req.type, kind)) {
      throw invalidRequest(`plugin not found in the catalog: \`${req.type}\``);
    }
    const entry = this.newEntry(p, req);
    const mounted = await this.start(entry);
    this.mounts.push(mounted);
    this.sort();
    await this.persist();
    return entry;
  }

  async unmount(path: string): Promise<void> {
    const p = withSlash(path);
    if (BUILTIN_PATHS.has(p)) throw invalidRequest(`cannot unmount \`${p}\``);
    const mounted = this.get(p);
    if (!mounted) return; // Vault answers 204 for a path that is not mounted
    await this.hooks.beforeUnmount?.(mounted.entry);
    this.mounts = this.mounts.filter((m) => m !== mounted);
    await this.persist();
    await mounted.engine.close?.();
    await mounted.engine.cleanup?.();
    const doomed: string[] = [];
    for await (const key of mounted.view.keys('')) doomed.push(key);
    for (let i = 0; i < doomed.length; i += 500) {
      await mounted.view.batch(doomed.slice(i, i + 500).map((key) => ({ type: 'delete' as const, key })));
    }
  }

  async remount(from: string, to: string): Promise<void> {
    const src = withSlash(from);
    const dst = withSlash(to);
    if (BUILTIN_PATHS.has(src)) throw invalidRequest(`cannot remount \`${src}\``);
    const mounted = this.get(src);
    if (!mounted) throw invalidRequest(`no matching mount at \`${src}\``);
    if (src.startsWith('auth/') !== dst.startsWith('auth/')) {
      throw invalidRequest('cannot remount between secrets engines and auth methods');
    }
    if (mounted.entry.kind === 'secrets' && RESERVED_PREFIXES.some((r) => dst.startsWith(r))) {
      throw invalidRequest(`cannot remount to reserved path \`${dst}\``);
    }
    this.assertFree(dst);
    await this.hooks.beforeRemount?.(mounted.entry, dst);
    // Storage is keyed by the mount's uuid, so moving a mount moves no data.
    mounted.entry.path = dst;
    this.sort();
    await this.persist();
  }

  async tune(path: string, changes: Partial<MountConfig> & { description?: string; options?: Record<string, string> }) {
    const mounted = this.get(path);
    if (!mounted) throw invalidRequest(`no mount at \`${withSlash(path)}\``);
    const { description, options, ...config } = changes;
    const next = { ...mounted.entry.config, ...stripUndefined(config) };
    if (next.default_lease_ttl > next.max_lease_ttl && next.max_lease_ttl !== 0) {
      throw invalidRequest('default lease ttl cannot be greater than max lease ttl');
    }
    mounted.entry.config = next;
    if (description !== undefined) mounted.entry.description = description;
    if (options) {
      if (options['version'] && mounted.entry.options['version'] && options['version'] < mounted.entry.options['version']) {
        throw invalidRequest('cannot downgrade the kv version of a mount');
      }
      mounted.entry.options = { ...mounted.entry.options, ...options };
    }
    await this.persist();
  }

  private newEntry(path: string, req: MountRequest): MountEntry {
    const kind = path.startsWith('auth/') ? 'auth' : 'secrets';
    const options = { ...(req.options ?? {}) };
    if ((req.type === 'kv' || req.type === 'kv-v2') && !options['version']) {
      options['version'] = req.type === 'kv-v2' ? '2' : '1';
    }
    return {
      path,
      type: req.type,
      uuid: randomUUID(),
      accessor: `${req.type}_${randomAccessor()}`,
      description: req.description ?? '',
      config: {
        default_lease_ttl: req.config?.default_lease_ttl ?? 0,
        max_lease_ttl: req.config?.max_lease_ttl ?? 0,
        ...stripUndefined({ ...req.config }),
      },
      options,
      local: req.local ?? false,
      seal_wrap: req.seal_wrap ?? false,
      kind,
    };
  }

  private async start(entry: MountEntry): Promise<MountedEngine> {
    const factory = this.registry.get(entry.type, entry.kind);
    if (!factory) throw new VaultError('internal', `no engine registered for type \`${entry.type}\``);
    const view = this.root.sub(`${entry.kind === 'auth' ? 'auth' : 'logical'}/${entry.uuid}/`);
    const engine = await factory({ storage: view, mount: entry, log: this.log, clock: this.clock });
    return { entry, engine, routes: new RouteTable(engine), view };
  }

  private assertFree(path: string): void {
    for (const m of this.mounts) {
      if (path.startsWith(m.entry.path) || m.entry.path.startsWith(path)) {
        throw invalidRequest(`path is already in use at \`${m.entry.path}\``);
      }
    }
  }

  private sort(): void {
    this.mounts.sort((a, b) => b.entry.path.length - a.entry.path.length);
  }

  private persist(): Promise<void> {
    return this.core.putJson(
      'mounts',
      this.mounts.map((m) => m.entry),
    );
  }
}

export function withSlash(path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  return trimmed.endsWith('/') ? trimmed : trimmed + '/';
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
