import type { Registry } from 'prom-client';

/** What `Registry.getMetricsAsJSON()` returns. */
export type MetricFamilies = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export interface GaugeValue {
  Name: string;
  Value: number;
  Labels: Record<string, string>;
}

/** go-metrics' `SampledValue`, reduced to what a cumulative metric can say honestly. */
export interface SampledValue {
  Name: string;
  Count: number;
  Sum: number;
  Mean: number;
  Labels: Record<string, string>;
}

/**
 * The shape of Vault's JSON `sys/metrics` (go-metrics' in-memory sink `MetricsSummary`).
 * Differences, by design: names are the Prometheus names (`secretum_vault_requests_total`,
 * not dotted), values are totals since start rather than per 10-second interval, so `Rate`,
 * `Min`, `Max` and `Stddev` are left out; histogram buckets appear only in the Prometheus format.
 */
export interface GoMetricsSummary {
  Timestamp: string;
  Gauges: GaugeValue[];
  Points: never[];
  Counters: SampledValue[];
  Samples: SampledValue[];
}

/** Converts prom-client's JSON export to the go-metrics summary shape. */
export function toGoMetricsJson(families: MetricFamilies, nowMs: number): GoMetricsSummary {
  const out: GoMetricsSummary = { Timestamp: goTimestamp(nowMs), Gauges: [], Points: [], Counters: [], Samples: [] };
  for (const family of families) {
    const type = String(family.type); // a string at run time, whatever the typings say
    if (type === 'gauge') {
      for (const v of family.values) {
        // Go's encoder cannot write NaN/Inf (event-loop lag before its first sample): left out.
        if (Number.isFinite(v.value)) out.Gauges.push({ Name: family.name, Value: v.value, Labels: stringLabels(v.labels) });
      }
    } else if (type === 'counter') {
      for (const v of family.values) out.Counters.push(sampled(family.name, v.value, v.value, v.labels));
    } else if (type === 'histogram' || type === 'summary') {
      out.Samples.push(...samples(family.name, family.values));
    }
  }
  return out;
}

/** Folds `<name>_sum` and `<name>_count` values into one sample per label set. */
function samples(name: string, values: MetricFamilies[number]['values']): SampledValue[] {
  const byLabels = new Map<string, { labels: Record<string, string>; sum: number; count: number }>();
  for (const v of values) {
    const metricName = (v as { metricName?: string }).metricName;
    const isSum = metricName === `${name}_sum`;
    if (!isSum && metricName !== `${name}_count`) continue;
    const labels = stringLabels(v.labels);
    const key = JSON.stringify(Object.entries(labels).sort());
    const entry = byLabels.get(key) ?? { labels, sum: 0, count: 0 };
    if (isSum) entry.sum = v.value;
    else entry.count = v.value;
    byLabels.set(key, entry);
  }
  return [...byLabels.values()].map((e) => sampled(name, e.count, e.sum, e.labels));
}

function sampled(name: string, count: number, sum: number, labels: Record<string, string | number | undefined>): SampledValue {
  return { Name: name, Count: count, Sum: sum, Mean: count > 0 ? sum / count : 0, Labels: stringLabels(labels) };
}

function stringLabels(labels: Record<string, string | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** Go's `time.Time.String()` in UTC, as go-metrics prints an interval: `2026-01-01 12:00:00 +0000 UTC`. */
function goTimestamp(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}
