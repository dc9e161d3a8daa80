import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../framework/engine.js';
import { toGoMetricsJson, type GoMetricsSummary } from './go-metrics-json.js';
import type { LeaseStatsSource } from './lease-stats.js';
import { registerRequestCollectors } from './request-collectors.js';
import { RequestStats } from './request-stats.js';

/** What the pipeline needs: one call per request, after the response is known. */
export interface RequestMetrics {
  /**
   * @param operation the request's operation (`read`, `create`, …; others count as `other`)
   * @param mountType the routed mount's type (`kv`, `system`, …); undefined when refused before routing
   * @param status the HTTP status of the response
   * @param seconds time spent in the pipeline
   */
  recordRequest(operation: string, mountType: string | undefined, status: number, seconds: number): void;
}

/** What `sys/metrics` needs. */
export interface MetricsExporter {
  /** The Prometheus text exposition format, version 0.0.4. */
  prometheus(): Promise<string>;
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /** Vault's JSON shape (go-metrics). */
  json(): Promise<GoMetricsSummary>;
}

const NAN_SAMPLE = /^([^#].*) Nan$/gm;

export interface MetricsOptions {
  readonly clock: Clock;
  /** Per-mount lease counts and soonest expiry; read on each scrape. */
  readonly leaseStats?: LeaseStatsSource;
  /** Live tokens; read on each scrape; undefined while sealed. */
  readonly tokenCount?: () => number | undefined;
  /** Node process metrics (`secretum_process_*`, `secretum_nodejs_*`); default true. */
  readonly processMetrics?: boolean;
}

/**
 * The server's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * two vaults in one process — tests, the CLI's embedded server — do not share counters).
 *
 * Request metrics are recorded into plain arrays on the hot path (`RequestStats`); everything
 * that describes state (sealed, leases, tokens) is read when scraped, never pushed.
 */
export class Metrics implements RequestMetrics, MetricsExporter {
  readonly registry = new Registry();
  readonly contentType: string = Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly requests = new RequestStats();
  private readonly sealed: Gauge;
  private readonly auditFailures: Counter;

  constructor(private readonly options: MetricsOptions) {
    const registers = [this.registry];
    registerRequestCollectors(this.registry, this.requests);

    this.sealed = new Gauge({ name: 'secretum_vault_sealed', help: '1 while the vault is sealed, 0 while unsealed.', registers });
    this.sealed.set(1); // a vault starts sealed; `setSealed(false)` on unseal

    const { leaseStats, tokenCount, clock } = options;
    new Gauge({
      name: 'secretum_vault_secret_lease_count',
      help: 'Outstanding secret leases, by mount path.',
      labelNames: ['mount'] as const,
      registers,
      collect() {
        this.reset();
        for (const s of leaseStats?.() ?? []) this.set({ mount: s.mount }, s.count);
      },
    });
    new Gauge({
      name: 'secretum_vault_secret_lease_expiry',
      help: 'Seconds until the soonest secret lease of each mount expires; negative while an overdue lease is still being revoked.',
      labelNames: ['mount'] as const,
      registers,
      collect() {
        this.reset();
        const now = clock.now();
        for (const s of leaseStats?.() ?? []) {
          if (s.count > 0 && Number.isFinite(s.soonestExpireMs)) this.set({ mount: s.mount }, Math.round(s.soonestExpireMs - now) / 1000);
        }
      },
    });
    if (tokenCount) {
      new Gauge({
        name: 'secretum_vault_token_count',
        help: 'Live tokens in the token store (0 while sealed).',
        registers,
        collect() {
          this.set(tokenCount() ?? 0);
        },
      });
    }
    this.auditFailures = new Counter({
      name: 'secretum_vault_audit_log_failures_total',
      help: 'Audit device writes that failed (a request fails only when every device failed).',
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'secretum_' });
  }

  /** Hot path: O(1), no allocation once a mount type has been seen. */
  recordRequest(operation: string, mountType: string | undefined, status: number, seconds: number): void {
    this.requests.record(operation, mountType, status, seconds);
  }

  /** Called on unseal (false) and seal (true). */
  setSealed(sealed: boolean): void {
    this.sealed.set(sealed ? 1 : 0);
  }

  /** The audit broker's hook: `count` device writes failed. */
  recordAuditFailure(count = 1): void {
    if (count > 0) this.auditFailures.inc(count);
  }

  async prometheus(): Promise<string> {
    // prom-client spells NaN `Nan` (e.g. event-loop lag before its first sample); the format
    // says `NaN`. Prometheus forgives it, stricter parsers do not. A sample line ends with its value.
    return (await this.registry.metrics()).replace(NAN_SAMPLE, '$1 NaN');
  }

  async json(): Promise<GoMetricsSummary> {
    return toGoMetricsJson(await this.registry.getMetricsAsJSON(), this.options.clock.now());
  }
}
