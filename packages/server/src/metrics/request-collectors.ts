import { Counter, type Metric, type Registry } from 'prom-client';
import { DURATION_BUCKETS, type RequestStats } from './request-stats.js';

export const REQUESTS_TOTAL = 'secretum_vault_requests_total';
export const REQUEST_DURATION = 'secretum_vault_request_duration_seconds';

/**
 * Registers `secretum_vault_requests_total` and `secretum_vault_request_duration_seconds` in
 * `registry`, both read from `stats` at scrape time.
 */
export function registerRequestCollectors(registry: Registry, stats: RequestStats): void {
  new Counter({
    name: REQUESTS_TOTAL,
    help: 'Requests through the pipeline, by operation, HTTP status class and mount type.',
    labelNames: ['operation', 'status_class', 'mount_type'] as const,
    registers: [registry],
    collect() {
      // The totals live in `stats`; each scrape republishes them (still monotonic).
      this.reset();
      for (const c of stats.counters()) {
        this.inc({ operation: c.operation, status_class: c.statusClass, mount_type: c.mountType }, c.value);
      }
    },
  });
  registry.registerMetric(durationHistogram(stats));
}

/**
 * The latency histogram as a minimal metric object the registry renders like its own
 * histograms (`_bucket{le}`, `_sum`, `_count`). prom-client has no API to set bucket counts
 * in bulk, and observing through it would put a label-hash string on the hot path.
 */
function durationHistogram(stats: RequestStats): Metric {
  const metric = {
    name: REQUEST_DURATION,
    help: 'Time from entering the pipeline to the response, in seconds, by operation and mount type.',
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
      for (const s of stats.durations()) {
        const labels = { operation: s.operation, mount_type: s.mountType };
        DURATION_BUCKETS.forEach((le, i) =>
          values.push({ labels: { ...labels, le }, value: s.cumulative[i]!, metricName: `${REQUEST_DURATION}_bucket` }),
        );
        values.push({ labels: { ...labels, le: '+Inf' }, value: s.count, metricName: `${REQUEST_DURATION}_bucket` });
        values.push({ labels, value: s.sum, metricName: `${REQUEST_DURATION}_sum` });
        values.push({ labels, value: s.count, metricName: `${REQUEST_DURATION}_count` });
      }
      return { name: metric.name, help: metric.help, type: metric.type, aggregator: metric.aggregator, values };
    },
    reset: () => stats.reset(),
  };
  // The registry duck-types metrics (name, help, type, get); prom-client's type is a union of its classes.
  return metric as unknown as Metric;
}
