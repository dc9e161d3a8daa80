import type { ServerConfig } from './config/server-config.js';
import { AuditBroker } from './audit/audit-broker.js';
import { BootstrapAuthorizer } from './authz/bootstrap-authorizer.js';
import { tokenEngine } from './auth/token/index.js';
import { TokenStore } from './auth/token/token-store.js';
import { AesGcmBarrier } from './barrier/aes-gcm-barrier.js';
import { cubbyholeEngine, destroyCubbyhole } from './engines/cubbyhole/index.js';
import { kvEngine } from './engines/kv/index.js';
import type { Clock, MountEntry } from './framework/engine.js';
import { RouteTable } from './framework/route-table.js';
import { createHttpServer } from './http/create-http-server.js';
import { SealManager } from './lifecycle/seal-manager.js';
import { createLogger } from './logger.js';
import { createPipeline } from './pipeline/pipeline.js';
import type { UnsealedServices } from './pipeline/request-context.js';
import { EngineRegistry } from './router/engine-registry.js';
import { MountTable } from './router/mount-table.js';
import { createBackend } from './storage/create-backend.js';
import { systemEngine } from './system/index.js';
import { wrappingPaths } from './system/path-wrapping.js';
import { createLifecycle } from './lifecycle-adapter.js';
import { createTokenService } from './token-service.js';
import { ResponseWrapper } from './wrapping/response-wrapper.js';

/** How to start a server: a parsed config, or dev mode (in-memory, initialised, unsealed). */
export interface ServerOptions {
  config: ServerConfig;
  dev?: {
    /** Any string; it becomes a valid root token (Vault's `-dev-root-token-id`). */
    rootTokenId?: string;
  };
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8200`. */
  readonly address: string;
  /** Dev mode only. */
  readonly rootToken?: string;
  /** Dev mode only: the single unseal key, base64. */
  readonly unsealKey?: string;
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

const systemClock: Clock = { now: () => Date.now() };

/**
 * The composition root: the one place that constructs and wires the modules
 * (ARCHITECTURE.md, "Layers and folders").
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const log = createLogger(config.log_level);
  const clock = systemClock;
  const backend = await createBackend(config.storage);
  const barrier = new AesGcmBarrier(backend);

  // Everything below exists only while unsealed.
  let services: (UnsealedServices & { store: TokenStore; wrapperImpl: ResponseWrapper }) | undefined;
  const current = () => {
    if (!services) throw new Error('vault is sealed');
    return services;
  };

  const registry = new EngineRegistry();
  registry.register('kv', 'secrets', kvEngine);
  registry.register('cubbyhole', 'secrets', cubbyholeEngine);
  registry.register('token', 'auth', (ctx) => tokenEngine(pendingStore!)(ctx));

  const systemMount: MountEntry = {
    path: 'sys/',
    type: 'system',
    uuid: 'system',
    accessor: 'system_system',
    description: 'system endpoints used for control, policy and debugging',
    config: { default_lease_ttl: 0, max_lease_ttl: 0 },
    options: {},
    local: false,
    seal_wrap: false,
    kind: 'secrets',
  };

  let pendingStore: TokenStore | undefined;
  const activate = async () => {
    const store = new TokenStore(barrier.view('sys/token/'), clock, {
      // A revoked token's cubbyhole goes with it.
      onRevoke: async (entry) => {
        const cubby = services?.mounts.get('cubbyhole/')?.view;
        if (cubby) await destroyCubbyhole(cubby, entry.hash);
      },
    });
    await store.setup();
    pendingStore = store;
    const mounts = new MountTable(barrier.view('core/'), barrier.view(''), registry, log, clock);
    await mounts.load(options.dev ? [{ path: 'secret/', type: 'kv', options: { version: '2' }, description: 'key/value secret storage' }] : []);
    const cubbyRoot = mounts.get('cubbyhole/')!.view;
    const wrapperImpl = new ResponseWrapper(store, cubbyRoot, clock);
    services = {
      mounts,
      tokens: createTokenService(store),
      wrapper: { wrap: async (response, ttl, path, accessor) => ({ ...(await wrapperImpl.wrap(response, ttl, path, accessor)) }) },
      store,
      wrapperImpl,
    };
  };
  const deactivate = async () => {
    const s = services;
    services = undefined;
    pendingStore = undefined;
    await s?.mounts.close();
  };

  const seal = new SealManager({ backend, barrier, onUnsealed: activate, onSealing: deactivate });
  const lifecycle = createLifecycle({ seal, barrier, version: VERSION, activate, deactivate, rootToken: (id) => current().store.createRoot(id) });

  const sysSpec = systemEngine({
    lifecycle,
    mounts: () => current().mounts,
    clock,
    extraPaths: wrappingPaths(lazyWrapper(() => current().wrapperImpl)),
  });
  registry.register('system', 'secrets', async () => sysSpec);

  const pipeline = createPipeline({
    system: { engine: sysSpec, routes: new RouteTable(sysSpec), mount: systemMount, view: barrier.view('sys/') },
    services: () => services,
    authorizer: new BootstrapAuthorizer(),
    audit: new AuditBroker(),
    log,
    clock,
  });

  let rootToken: string | undefined;
  let unsealKey: string | undefined;
  if (options.dev) {
    const init = await lifecycle.initialize({ secret_shares: 1, secret_threshold: 1 }, options.dev.rootTokenId);
    await lifecycle.unseal(init.keys[0]!);
    rootToken = init.rootToken;
    unsealKey = Buffer.from(init.keys[0]!).toString('base64');
  } else if (await seal.initialized()) {
    log.info('vault is sealed: submit unseal keys to sys/unseal');
  } else {
    log.info('vault is not initialised: call sys/init');
  }

  const http = await createHttpServer({ pipeline, listener: config.listener, log });
  log.info('listening', { address: http.url, storage: config.storage.type });
  return {
    address: http.url,
    ...(rootToken !== undefined && { rootToken }),
    ...(unsealKey !== undefined && { unsealKey }),
    async close() {
      await http.close();
      await deactivate();
      barrier.seal();
      await backend.close();
    },
  };
}

/** The wrapping endpoints are declared once, at start; the wrapper they use lives while unsealed. */
function lazyWrapper(get: () => ResponseWrapper): ResponseWrapper {
  return new Proxy({} as ResponseWrapper, {
    get: (_t, prop) => {
      const target = get();
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
