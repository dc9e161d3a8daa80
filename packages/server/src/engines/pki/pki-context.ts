import type { Clock, EngineRequest, MountEntry } from '../../framework/engine.js';
import { PerViewCaches } from '../../framework/per-view-caches.js';
import { PkiCache } from './pki-cache.js';
import { PkiStore, type IssuerRecord } from './pki-store.js';

/** What the tidy run last did (Vault's `tidy-status`; kept in memory, as Vault does). */
export interface TidyStatus {
  state: 'Inactive' | 'Running' | 'Finished' | 'Error';
  time_started: string | null;
  time_finished: string | null;
  cert_store_deleted_count: number;
  revoked_cert_deleted_count: number;
  error: string | null;
  safety_buffer: number;
  tidy_cert_store: boolean;
  tidy_revoked_certs: boolean;
}

/** What every PKI path group shares within one mount. */
export interface PkiContext {
  readonly clock: Clock;
  /** Serialises CRL rebuilds, so two revocations never write CRLs that each miss the other. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  tidy: TidyStatus;
  /** The running tidy, awaited on close. */
  tidyRun: Promise<void> | undefined;
  /** The store over the request's view, with that view's record cache. */
  store(req: EngineRequest<unknown>): PkiStore;
  /** Drops every cached record and what was derived from them (engine close: seal, unmount). */
  close(): void;
  /** Now in ms, truncated to whole seconds: X.509 times carry no fractions, stored ones match. */
  certNow(): number;
}

/** Records cached per mount view: a few issuers and keys, the config, and the roles in use. */
const CACHE_RECORDS = 1024;

export function createPkiContext(clock: Clock): PkiContext {
  let tail: Promise<unknown> = Promise.resolve();
  const caches = new PerViewCaches(
    () => new PkiCache(CACHE_RECORDS),
    (cache) => cache.clear(),
  );
  return {
    clock,
    exclusive<T>(work: () => Promise<T>): Promise<T> {
      const run = tail.then(work, work);
      tail = run.catch(() => undefined);
      return run;
    },
    tidy: {
      state: 'Inactive',
      time_started: null,
      time_finished: null,
      cert_store_deleted_count: 0,
      revoked_cert_deleted_count: 0,
      error: null,
      safety_buffer: 0,
      tidy_cert_store: false,
      tidy_revoked_certs: false,
    },
    tidyRun: undefined,
    store: (req) => new PkiStore(req.storage, caches.of(req.storage)),
    close: () => caches.close(),
    certNow: () => Math.floor(clock.now() / 1000) * 1000,
  };
}

/** The Cedar resource `<mount>/<name>` (ARCHITECTURE.md, "Cedar model"). */
export function pkiResource(mount: MountEntry, name: string): string {
  const base = mount.path.endsWith('/') ? mount.path.slice(0, -1) : mount.path;
  return `${base}/${name}`;
}

/** Unix seconds. */
export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

/** The issuer's full chain as PEMs: itself, then its parents up to the root. */
export const issuerChain = (issuer: IssuerRecord): string[] => [issuer.certificate, ...issuer.parents];
