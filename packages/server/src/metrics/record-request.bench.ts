import { Counter, Histogram, Registry } from 'prom-client';
import { Metrics } from './metrics.js';
import { DURATION_BUCKETS } from './request-stats.js';

/**
 * Cost of `Metrics.recordRequest` per call, against the straightforward alternative measured in
 * the same run: prom-client label children created up front (`counter.labels(…).inc()` plus
 * `histogram.labels(…).observe()`). Run: `node packages/server/dist/metrics/record-request.bench.js`.
 */
const N = 1_000_000;
const OPS = ['read', 'read', 'read', 'update', 'create', 'list', 'delete', 'read'];
const TYPES = ['kv', 'kv', 'system', 'token', 'kv', 'database', 'pki', 'kv'];
const STATUSES = [200, 200, 204, 200, 404, 403, 200, 500];
const SECONDS = [0.00012, 0.0004, 0.0009, 0.003, 0.00031, 0.02, 0.0002, 0.15];

function time(label: string, fn: (i: number) => void): number {
  for (let i = 0; i < 100_000; i++) fn(i); // warm up the JIT
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start) / N;
  const heapKb = (process.memoryUsage().heapUsed - heapBefore) / 1024;
  console.log(`${label.padEnd(44)} ${ns.toFixed(1).padStart(7)} ns/call   heap Δ ${heapKb.toFixed(0).padStart(7)} KiB over ${N} calls`);
  return ns;
}

const metrics = new Metrics({ clock: { now: () => Date.now() }, processMetrics: false });
const ours = time('Metrics.recordRequest', (i) => {
  const k = i & 7;
  metrics.recordRequest(OPS[k]!, TYPES[k], STATUSES[k]!, SECONDS[k]!);
});

const registry = new Registry();
const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['operation', 'status_class', 'mount_type'], registers: [registry] });
const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['operation', 'mount_type'], buckets: [...DURATION_BUCKETS], registers: [registry] });
const classOf = (s: number) => `${(s / 100) | 0}xx`;
const children = OPS.map((op, k) => ({
  inc: counter.labels(op, classOf(STATUSES[k]!), TYPES[k]!),
  observe: histogram.labels(op, TYPES[k]!),
}));
const ceiling = time('prom-client children (pre-created)', (i) => {
  const c = children[i & 7]!;
  c.inc.inc();
  c.observe.observe(SECONDS[i & 7]!);
});

console.log(`ratio recordRequest / prom-client children: ${(ours / ceiling).toFixed(3)} (lower is better)`);
