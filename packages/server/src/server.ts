import type { ServerConfig } from './config/server-config.js';
import { AuditBroker } from './audit/audit-broker.js';
import { CedarAuthorizer } from './authz/cedar-authorizer.js';
import { approleEngine } from './auth/approle/index.js';
import { certAuthEngine } from './auth/cert/index.js';
import { jwtAuthEngine } from './auth/jwt/index.js';
import { tokenEngine } from './auth/token/index.js';
import { userpassEngine } from './auth/userpass/index.js';
import { TokenStore } from './auth/token/token-store.js';
import { AesGcmBarrier } from './barrier/aes-gcm-barrier.js';
import { cubbyholeEngine, destroyCubbyhole } from './engines/cubbyhole/index.js';
import { kvEngine } from './engines/kv/index.js';
import { identityEngine, IdentityStore } from './identity/index.js';
import { sshEngine } from './engines/ssh/index.js';
import { transitEngine } from './engines/transit/index.js';
import { pkiEngine } from './engines/pki/index.js';
import { databaseEngine } from './engines/database/index.js';
import { PasswordPolicyStore } from './password-policies/password-policy-store.js';
import type { Clock, EngineFactory, Logger, MountEntry } from './framework/engine.js';
import { RouteTable } from './framework/route-table.js';
import { createHttpServer } from './http/create-http-server.js';
import { SealManager } from './lifecycle/seal-manager.js';
import { ExpirationManager } from './leases/expiration-manager.js';
import { HaCoordinator } from './ha/ha-coordinator.js';
import { createLogger } from './logger.js';
import { leaseStatsByMount } from './metrics/lease-stats.js';
import { Metrics } from './metrics/metrics.js';
import { PeriodicJobs } from './rotation/periodic-jobs.js';
import { parseRotationPolicies, RotationScheduler } from './rotation/rotation-policies.js';
import { createPipeline } from './pipeline/pipeline.js';
import type { UnsealedServices } from './pipeline/request-context.js';
import type { InternalPipeline } from './pipeline/vault-request.js';
import { EngineRegistry } from './router/engine-registry.js';
import { MountTable } from './router/mount-table.js';
import { createBackend } from './storage/create-backend.js';
import { systemEngine } from './system/index.js';
import { wrappingPaths } from './system/path-wrapping.js';
import { leasePaths } from './system/path-leases.js';
import { auditPaths } from './system/path-audit.js';
import { capabilitiesPaths, type TokenLookup } from './system/path-capabilities.js';
import { explainPaths } from './system/path-explain.js';
import { policyPaths, policyView } from './system/path-policies.js';
import { metricsPaths } from './system/path-metrics.js';
import { InFlightRequests } from './system/in-flight-requests.js';
import { nodeInfoPaths } from './system/path-node-info.js';
import { quotaPaths } from './quotas/path-quotas.js';
import { QuotaTable } from './quotas/quota-table.js';
import { corsPaths } from './cors/path-cors.js';
import { CorsSettings } from './cors/cors-settings.js';
import { AuditedHeaders } from './audit/request-headers.js';
import { requestHeaderPaths } from './audit/request-headers-paths.js';
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
  /** Extra engine types (plugins), registered beside the built-in ones. */
  engines?: readonly { type: string; kind: 'secrets' | 'auth'; factory: EngineFactory }[];
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

/** A vault without a listener: the pipeline every surface (HTTP, tests, later gRPC) goes through. */
export interface Vault {
  readonly pipeline: InternalPipeline;
  /** Audit devices are attached here (from config or `sys/audit`). */
  readonly audit: AuditBroker;
  /** `sys/config/cors`, which the HTTP listener applies. */
  readonly cors: CorsSettings;
  /** Dev mode only. */
  readonly rootToken?: string;
  /** Dev mode only: the single unseal key. */
  readonly unsealKey?: Uint8Array;
  close(): Promise<void>;
}

/** Starts a vault and its HTTP listener. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = createLogger(options.config.log_level);
  const vault = await createVault(options, log);
  const http = await createHttpServer({ pipeline: vault.pipeline, listener: options.config.listener, log, cors: vault.cors });
  // Log rotation: file audit devices reopen their files on SIGHUP.
  const onHup = () => void vault.audit.reopen();
  process.on('SIGHUP', onHup);
  log.info('listening', { address: http.url, storage: options.config.storage.type });
  return {
    address: http.url,
    ...(vault.rootToken !== undefined && { rootToken: vault.rootToken }),
    ...(vault.unsealKey !== undefined && { unsealKey: Buffer.from(vault.unsealKey).toString('base64') }),
    async close() {
      process.off('SIGHUP', onHup);
      await http.close();
      await vault.close();
    },
  };
}

/**
 * The composition root: the one place that constructs and wires the modules
 * (ARCHITECTURE.md, "Layers and folders").
 */
export async function createVault(options: ServerOptions, log: Logger = createLogger(options.config.log_level)): Promise<Vault> {
  const { config } = options;
  const clock = systemClock;
  const rotationPolicies = parseRotationPolicies(config.rotation_policies);
  const backend = await createBackend(config.storage);
  // On HA storage only the active node re-encrypts old keyring terms (see reloadKeyring).
  const barrier = new AesGcmBarrier(backend, {
    upgradeOnlyWhenActive: backend.haLock !== undefined,
    onAutoRotate: ({ reason, term, error }) =>
      error ? log.error('barrier: automatic key rotation failed', { reason, error: error.message }) : log.info('barrier: key rotated automatically', { reason, term }),
  });
  // What sys/leader, sys/ha-status and standbys call this node.
  const apiAddr = config.api_addr ?? `${config.listener.tls_disable ? 'http' : 'https'}://${config.listener.address}`;
  const inFlight = new InFlightRequests();

  // One authorizer and one audit broker for the process; the authorizer is warmed before the
  // first request (the Cedar WASM module stalls on first use).
  const authorizer = new CedarAuthorizer({ log, clock });
  authorizer.warm();
  const audit = new AuditBroker();
  // Loaded from the system view on unseal, dropped on seal, like the policies.
  const quotas = new QuotaTable(clock);
  const cors = new CorsSettings();
  const auditedHeaders = new AuditedHeaders();
  await audit.start(config.audit, { clock, log });

  // Everything below exists only while unsealed.
  let services: (UnsealedServices & { store: TokenStore; wrapperImpl: ResponseWrapper }) | undefined;
  const current = () => {
    if (!services) throw new Error('vault is sealed');
    return services;
  };
  const metrics = new Metrics({
    clock,
    leaseStats: () => {
      const s = services;
      return s && leaseStatsByMount(s.expiration.stats(), (uuid) => s.mounts.byUuid(uuid)?.entry.path);
    },
    tokenCount: () => services?.store.listAccessors().length,
  });
  audit.onDeviceFailure = (n) => metrics.recordAuditFailure(n);

  const registry = new EngineRegistry();
  registry.register('kv', 'secrets', kvEngine);
  registry.register('cubbyhole', 'secrets', cubbyholeEngine);
  registry.register('ssh', 'secrets', sshEngine);
  registry.register('transit', 'secrets', transitEngine);
  registry.register('pki', 'secrets', pkiEngine);
  // The engine reads named password policies (sys/policies/password) from the system view.
  registry.register('database', 'secrets', databaseEngine(new PasswordPolicyStore(barrier.view('sys/'))));
  registry.register('token', 'auth', (ctx) => tokenEngine(pendingStore!)(ctx));
  registry.register('userpass', 'auth', userpassEngine);
  registry.register('approle', 'auth', approleEngine);
  registry.register('cert', 'auth', certAuthEngine);
  registry.register('jwt', 'auth', jwtAuthEngine);
  registry.register('oidc', 'auth', jwtAuthEngine);
  registry.register('identity', 'secrets', (ctx) =>
    identityEngine(pendingIdentity!, (accessor) => services?.mounts.list('auth').find((m) => m.accessor === accessor))(ctx),
  );
  for (const plugin of options.engines ?? []) registry.register(plugin.type, plugin.kind, plugin.factory);

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
  let pendingIdentity: IdentityStore | undefined;
  let periodic: PeriodicJobs | undefined;
  let rotation: RotationScheduler | undefined;
  const activate = async () => {
    // The expiration manager needs the mount table to find an engine's lease handlers, and the
    // token store needs the expiration manager: both are built first, then connected.
    let mounts: MountTable | undefined;
    const expiration = new ExpirationManager(barrier.view('sys/expire/'), clock, log, (lease) =>
      mounts?.byUuid(lease.mountUuid)?.engine.leases?.[lease.secretType],
    );
    // The barrier's keyring also seals batch tokens, which are never stored.
    const store = new TokenStore(barrier.view('sys/token/'), clock, barrier, {
      // A revoked token takes its leases and its cubbyhole with it.
      onRevoke: async (entry) => {
        await expiration.revokeByToken(entry.hash);
        const cubby = mounts?.get('cubbyhole/')?.view;
        if (cubby) await destroyCubbyhole(cubby, entry.hash);
      },
      onExpiry: (hash, expireTime) => expiration.scheduleToken(hash, expireTime),
    });
    await store.setup();
    pendingStore = store;
    // Group membership feeds Cedar principals' parents; any change invalidates cached decisions.
    const identity = await IdentityStore.open(barrier.view('sys/identity/'), clock);
    pendingIdentity = identity;
    authorizer.setGroupResolver((entityId) => identity.groupsOf(entityId));
    identity.onChange(() => authorizer.invalidate());
    // Disabling a mount revokes its leases first; disabling an auth method also revokes the
    // tokens it issued. Its rate-limit quotas are dropped, and follow it when it moves (as in Vault).
    mounts = new MountTable(barrier.view('core/'), barrier.view(''), registry, log, clock, {
      beforeUnmount: async (entry) => {
        await expiration.revokeMount(entry.uuid);
        if (entry.kind === 'auth') await store.revokeByPathPrefix(entry.path);
        await quotas.dropMount(entry.path);
      },
      beforeRemount: (entry, to) => quotas.moveMount(entry.path, to),
    });
    await mounts.load(options.dev ? [{ path: 'secret/', type: 'kv', options: { version: '2' }, description: 'key/value secret storage' }] : []);
    await authorizer.policies.load(policyView(barrier.view('sys/')));
    await expiration.restore();
    expiration.watchTokens({ expiring: () => store.expiring(), revoke: (hash) => store.revoke(hash) });
    const tables = mounts;
    periodic = new PeriodicJobs(() => tables.engines(), log);
    periodic.start();
    const cubbyRoot = mounts.get('cubbyhole/')!.view;
    const wrapperImpl = new ResponseWrapper(store, cubbyRoot, clock);
    await audit.unseal(barrier.view('core/audit/'));
    await quotas.load(barrier.view('sys/'));
    await cors.load(barrier.view('sys/'));
    await auditedHeaders.load(barrier.view('sys/'));
    services = {
      mounts,
      expiration,
      identity,
      tokens: createTokenService(store),
      wrapper: { wrap: async (response, ttl, path, accessor) => ({ ...(await wrapperImpl.wrap(response, ttl, path, accessor)) }) },
      store,
      wrapperImpl,
    };
    metrics.setSealed(false);
    rotation?.start();
  };
  const deactivate = async () => {
    metrics.setSealed(true);
    rotation?.stop();
    periodic?.stop();
    // A signed checkpoint on each audit device, then its salt and keys leave memory.
    await audit.seal();
    const s = services;
    services = undefined;
    pendingStore = undefined;
    pendingIdentity = undefined;
    s?.expiration.stop();
    authorizer.policies.clear();
    quotas.clear();
    cors.clear();
    auditedHeaders.clear();
    await s?.mounts.close();
  };

  // With a leader lock (PostgreSQL, etcd) an unsealed node serves only while it holds the lock;
  // a standby forwards. Each node is unsealed with the Shamir keys on its own, as in Vault.
  const ha = backend.haLock
    ? new HaCoordinator({
        lock: backend.haLock,
        apiAddr,
        becomeActive: async () => {
          // The previous active node may have rotated the barrier key meanwhile.
          await barrier.reloadKeyring();
          await activate();
        },
        becomeStandby: deactivate,
        log,
        clock,
      })
    : undefined;
  const seal = new SealManager({
    backend,
    barrier,
    // start() returns at once: it runs inside the seal manager's queue.
    onUnsealed: ha ? async () => ha.start() : activate,
    onSealing: ha ? () => ha.stop() : deactivate,
  });
  const lifecycle = createLifecycle({ seal, barrier, version: VERSION, activate, deactivate, rootToken: (id) => current().store.createRoot(id) });

  // Capabilities and explain resolve a path the way the router does, and look tokens up without
  // counting a use. The system routes are built after the paths that read them, hence the holder.
  const tokenLookup: TokenLookup = {
    byToken: async (token) => {
      const store = current().store;
      const entry = await store.lookup(token);
      return entry && store.toRequestAuth(token, entry);
    },
    byAccessor: async (accessor) => {
      const store = current().store;
      const entry = await store.lookupByAccessor(accessor);
      return entry && store.toRequestAuth('', entry);
    },
  };
  const systemRoutes: { table?: RouteTable } = {};
  const systemView = barrier.view('sys/');
  const resolve = {
    system: {
      get routes() {
        return systemRoutes.table!;
      },
      mount: systemMount,
      view: systemView,
    },
    mounts: () => services?.mounts,
  };
  const sysSpec = systemEngine({
    lifecycle,
    ...(ha && { ha }),
    mounts: () => current().mounts,
    clock,
    extraPaths: [
      ...wrappingPaths(lazyWrapper(() => current().wrapperImpl)),
      ...leasePaths(() => current().expiration, clock),
      ...policyPaths(authorizer.policies),
      ...capabilitiesPaths({ authorizer, resolve, tokens: () => tokenLookup }),
      ...explainPaths({ authorizer, resolve, tokens: () => tokenLookup }),
      ...auditPaths(audit, clock),
      ...metricsPaths(metrics),
      ...quotaPaths(quotas, () => current().mounts),
      ...corsPaths(cors),
      ...requestHeaderPaths(auditedHeaders),
      ...nodeInfoPaths({ apiAddr, version: VERSION, clock, ...(ha && { ha }), inFlight }),
    ],
  });
  systemRoutes.table = new RouteTable(sysSpec);
  registry.register('system', 'secrets', async () => sysSpec);

  // Client requests are tracked for sys/in-flight-req while the pipeline runs them.
  const pipeline = inFlight.track(createPipeline({
    system: { engine: sysSpec, routes: systemRoutes.table, mount: systemMount, view: systemView },
    services: () => services,
    authorizer,
    audit,
    quotas,
    auditedHeaders,
    metrics,
    log,
    clock,
    ...(ha && { ha }),
  }));

  rotation =
    rotationPolicies.length === 0
      ? undefined
      : new RotationScheduler(rotationPolicies, pipeline, (path) => services?.mounts.match(path)?.mounted.entry.path, clock, log);

  let rootToken: string | undefined;
  let unsealKey: Uint8Array | undefined;
  if (options.dev) {
    const init = await lifecycle.initialize({ secret_shares: 1, secret_threshold: 1 }, options.dev.rootTokenId);
    await lifecycle.unseal(init.keys[0]!);
    rootToken = init.rootToken;
    unsealKey = init.keys[0]!;
  } else if (await seal.initialized()) {
    log.info('vault is sealed: submit unseal keys to sys/unseal');
  } else {
    log.info('vault is not initialised: call sys/init');
  }

  return {
    pipeline,
    audit,
    cors,
    ...(rootToken !== undefined && { rootToken }),
    ...(unsealKey !== undefined && { unsealKey }),
    async close() {
      // Steps down and releases the leader lock, so a standby takes over at once.
      await ha?.stop();
      await deactivate();
      await audit.close();
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
