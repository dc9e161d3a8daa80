import { definePath, type EngineResponse, type PathSpec } from '../framework/engine.js';
import type { MetricsExporter } from '../metrics/metrics.js';
import { rawJson } from './raw-json.js';

/**
 * `GET sys/metrics?format=prometheus` (spec §2.8), as OpenBao's `metricsutil` answers it:
 * `format=prometheus` (or an OpenMetrics / `prometheus/telemetry` Accept header) ⇒ the Prometheus
 * text format (0.0.4, which every Prometheus accepts); no format ⇒ go-metrics JSON; any other
 * format ⇒ 400 in plain text.
 *
 * A token needs a Cedar permit for `read` on `Secret::"sys/metrics"`; an operator grants a
 * scraper's role with
 * `permit(principal in Role::"metrics", action == Action::"read", resource == Secret::"sys/metrics");`
 * (Vault's `telemetry.unauthenticated_metrics_access` is a listener setting, not this path's.)
 */
export function metricsPaths(metrics: MetricsExporter): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'metrics',
      fields: {
        format: { type: 'string', description: '`prometheus` for the Prometheus text format; empty for JSON', default: '' },
      },
      authz: () => ({ action: 'read', resource: 'sys/metrics' }),
      operations: {
        read: {
          summary: 'the server’s metrics, as Prometheus text or go-metrics JSON',
          handle: async ({ data, headers }): Promise<EngineResponse> => {
            const format = data.format || formatFromAccept(headers['accept']);
            if (format === 'prometheus') {
              return { raw: { contentType: metrics.contentType, body: await metrics.prometheus() } };
            }
            if (format !== '') {
              // Vault's answer: text/plain, 400, the format quoted.
              return { raw: { contentType: 'text/plain', body: `metric response format ${JSON.stringify(format)} unknown`, status: 400 } };
            }
            return rawJson(await metrics.json());
          },
        },
      },
      help: {
        synopsis: 'Export the server’s metrics.',
        description:
          '`format=prometheus` returns the Prometheus text exposition format (version 0.0.4); without it the answer is JSON in the shape of go-metrics’ summary (`Gauges`, `Counters`, `Samples`).',
      },
    }),
  ];
}

/** OpenBao's `FormatFromRequest`: an OpenMetrics or `prometheus/telemetry` Accept header means Prometheus. */
function formatFromAccept(accept = ''): string {
  return accept.startsWith('application/openmetrics-text') || accept.includes('prometheus/telemetry') ? 'prometheus' : '';
}
