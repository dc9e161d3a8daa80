import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register as globalRegistry } from 'prom-client';
import { FakeClock } from '../framework/engine-harness.js';
import { leaseStatsByMount, type MountLeaseStats } from './lease-stats.js';
import { Metrics } from './metrics.js';
import { parsePrometheusText, sample } from './prometheus-text.test-helper.js';
import { DURATION_BUCKETS } from './request-stats.js';

const OURS = {
  secretum_vault_requests_total: 'counter',
  secretum_vault_request_duration_seconds: 'histogram',
  secretum_vault_sealed: 'gauge',
  secretum_vault_secret_lease_count: 'gauge',
  secretum_vault_secret_lease_expiry: 'gauge',
  secretum_vault_token_count: 'gauge',
  secretum_vault_audit_log_failures_total: 'counter',
};

function fixture(opts: { processMetrics?: boolean } = {}) {
  const clock = new FakeClock();
  let leases: MountLeaseStats[] | undefined = [];
  let tokens: number | undefined = 0;
  const metrics = new Metrics({
    clock,
    leaseStats: () => leases,
    tokenCount: () => tokens,
    processMetrics: opts.processMetrics ?? false,
  });
  const scrape = async () => parsePrometheusText(await metrics.prometheus());
  return {
    clock,
    metrics,
    scrape,
    setLeases: (l: MountLeaseStats[] | undefined) => void (leases = l),
    setTokens: (n: number | undefined) => void (tokens = n),
  };
}

describe('Metrics', () => {
  it('renders valid Prometheus text: every family with HELP, TYPE and well-formed samples', async () => {
    const { metrics, scrape, setLeases, clock } = fixture({ processMetrics: true });
    metrics.recordRequest('read', 'kv', 200, 0.0003);
    metrics.recordAuditFailure();
    setLeases([{ mount: 'database/', count: 2, soonestExpireMs: clock.now() + 60_000 }]);
    const families = await scrape();
    for (const [name, type] of Object.entries(OURS)) {
      const f = families.get(name);
      assert.ok(f, `missing ${name}`);
      assert.equal(f.type, type, name);
      assert.ok(f.help.length > 10, `${name} has a HELP text`);
    }
    // Node process metrics, under our prefix only.
    assert.ok(families.has('secretum_process_cpu_seconds_total'));
    assert.ok(families.has('secretum_nodejs_heap_size_used_bytes'));
    assert.ok([...families.keys()].every((n) => n.startsWith('secretum_')), 'no unprefixed family');
    assert.equal(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  });

  it('owns its registry: nothing lands in prom-client’s global one, and two instances do not share', async () => {
    const a = fixture();
    const b = fixture();
    a.metrics.recordRequest('read', 'kv', 200, 0.001);
    assert.equal(sample(await a.scrape(), 'secretum_vault_requests_total', { mount_type: 'kv' }), 1);
    assert.equal((await b.scrape()).get('secretum_vault_requests_total')!.samples.length, 0);
    assert.equal(globalRegistry.getSingleMetric('secretum_vault_requests_total'), undefined);
  });

  it('recordRequest counts by operation, status class and mount type', async () => {
    const { metrics, scrape } = fixture();
    metrics.recordRequest('read', 'kv', 200, 0.001);
    metrics.recordRequest('read', 'kv', 204, 0.001);
    metrics.recordRequest('read', 'kv', 404, 0.001);
    metrics.recordRequest('create', 'kv', 200, 0.001);
    metrics.recordRequest('update', 'system', 503, 0.001);
    metrics.recordRequest('read', undefined, 403, 0.001); // refused before routing
    metrics.recordRequest('help', 'kv', 200, 0.001); // not an operation we know
    metrics.recordRequest('read', 'kv', 0, 0.001); // not an HTTP status
    const f = await scrape();
    const total = (labels: Record<string, string>) => sample(f, 'secretum_vault_requests_total', labels);
    assert.equal(total({ operation: 'read', status_class: '2xx', mount_type: 'kv' }), 2);
    assert.equal(total({ operation: 'read', status_class: '4xx', mount_type: 'kv' }), 1);
    assert.equal(total({ operation: 'create', status_class: '2xx', mount_type: 'kv' }), 1);
    assert.equal(total({ operation: 'update', status_class: '5xx', mount_type: 'system' }), 1);
    assert.equal(total({ operation: 'read', status_class: '4xx', mount_type: 'none' }), 1);
    assert.equal(total({ operation: 'other', status_class: '2xx', mount_type: 'kv' }), 1);
    assert.equal(total({ operation: 'read', status_class: 'other', mount_type: 'kv' }), 1);
    assert.equal(f.get('secretum_vault_requests_total')!.samples.length, 7, 'only series that were hit');
  });

  it('records latency into cumulative buckets suited to 0.1 ms – 1 s', async () => {
    const { metrics, scrape } = fixture();
    assert.equal(DURATION_BUCKETS[0], 0.0001);
    assert.ok(DURATION_BUCKETS.includes(1));
    for (const s of [0.00005, 0.0003, 0.0003, 0.02, 3]) metrics.recordRequest('read', 'kv', 200, s);
    metrics.recordRequest('read', 'kv', 200, Number.NaN); // counted as 0, never poisons the sum
    const f = await scrape();
    const name = 'secretum_vault_request_duration_seconds';
    const bucket = (le: string) => sample(f, name, { operation: 'read', mount_type: 'kv', le }, `${name}_bucket`);
    assert.equal(bucket('0.0001'), 2);
    assert.equal(bucket('0.00025'), 2);
    assert.equal(bucket('0.0005'), 4);
    assert.equal(bucket('0.025'), 5);
    assert.equal(bucket('2.5'), 5);
    assert.equal(bucket('+Inf'), 6);
    assert.equal(sample(f, name, { operation: 'read', mount_type: 'kv' }, `${name}_count`), 6);
    assert.ok(Math.abs(sample(f, name, { operation: 'read', mount_type: 'kv' }, `${name}_sum`) - 3.02065) < 1e-9);
    const buckets = f.get(name)!.samples.filter((s) => s.name.endsWith('_bucket'));
    assert.equal(buckets.length, DURATION_BUCKETS.length + 1);
  });

  it('caps distinct mount types, folding the excess into `other`', async () => {
    const { metrics, scrape } = fixture();
    for (let i = 0; i < 100; i++) metrics.recordRequest('read', `plugin-${i}`, 200, 0.001);
    const series = (await scrape()).get('secretum_vault_requests_total')!.samples;
    assert.equal(series.length, 65);
    assert.equal(series.find((s) => s.labels['mount_type'] === 'other')!.value, 36);
  });

  it('lease gauges reflect the stats source on every scrape', async () => {
    const { scrape, setLeases, clock } = fixture();
    const now = clock.now();
    setLeases([
      { mount: 'database/', count: 3, soonestExpireMs: now + 90_500 },
      { mount: 'aws/', count: 1, soonestExpireMs: now - 2_000 }, // overdue: revocation retrying
    ]);
    let f = await scrape();
    assert.equal(sample(f, 'secretum_vault_secret_lease_count', { mount: 'database/' }), 3);
    assert.equal(sample(f, 'secretum_vault_secret_lease_expiry', { mount: 'database/' }), 90.5);
    assert.equal(sample(f, 'secretum_vault_secret_lease_expiry', { mount: 'aws/' }), -2);

    clock.advance(30);
    setLeases([{ mount: 'database/', count: 1, soonestExpireMs: now + 90_500 }]);
    f = await scrape();
    assert.equal(sample(f, 'secretum_vault_secret_lease_expiry', { mount: 'database/' }), 60.5);
    assert.equal(sample(f, 'secretum_vault_secret_lease_count', { mount: 'database/' }), 1);
    assert.equal(f.get('secretum_vault_secret_lease_count')!.samples.length, 1, 'a mount without leases disappears');

    setLeases(undefined); // sealed
    f = await scrape();
    assert.equal(f.get('secretum_vault_secret_lease_expiry')!.samples.length, 0);
  });

  it('leaseStatsByMount maps the expiration manager’s uuids to mount paths', () => {
    const stats = new Map([
      ['uuid-db', { count: 2, soonestExpireMs: 1000 }],
      ['uuid-gone', { count: 1, soonestExpireMs: 2000 }],
    ]);
    const out = leaseStatsByMount(stats, (uuid) => (uuid === 'uuid-db' ? 'database/' : undefined));
    assert.deepEqual(out, [
      { mount: 'database/', count: 2, soonestExpireMs: 1000 },
      { mount: 'uuid-gone', count: 1, soonestExpireMs: 2000 },
    ]);
  });

  it('sealed gauge, token count and audit failures', async () => {
    const { metrics, scrape, setTokens } = fixture();
    let f = await scrape();
    assert.equal(sample(f, 'secretum_vault_sealed'), 1, 'a vault starts sealed');
    assert.equal(sample(f, 'secretum_vault_token_count'), 0);
    assert.equal(sample(f, 'secretum_vault_audit_log_failures_total'), 0);
    metrics.setSealed(false);
    setTokens(42);
    metrics.recordAuditFailure();
    metrics.recordAuditFailure(2);
    f = await scrape();
    assert.equal(sample(f, 'secretum_vault_sealed'), 0);
    assert.equal(sample(f, 'secretum_vault_token_count'), 42);
    assert.equal(sample(f, 'secretum_vault_audit_log_failures_total'), 3);
    metrics.setSealed(true);
    setTokens(undefined);
    f = await scrape();
    assert.equal(sample(f, 'secretum_vault_sealed'), 1);
    assert.equal(sample(f, 'secretum_vault_token_count'), 0);
  });

  it('json() has the go-metrics summary shape', async () => {
    const { metrics, setLeases, clock } = fixture();
    metrics.recordRequest('read', 'kv', 200, 0.002);
    metrics.recordRequest('read', 'kv', 200, 0.004);
    setLeases([{ mount: 'database/', count: 2, soonestExpireMs: clock.now() + 10_000 }]);
    const json = await metrics.json();
    assert.equal(json.Timestamp, '2026-01-01 12:00:00 +0000 UTC');
    assert.deepEqual(json.Points, []);
    assert.deepEqual(
      json.Gauges.find((g) => g.Name === 'secretum_vault_secret_lease_expiry'),
      { Name: 'secretum_vault_secret_lease_expiry', Value: 10, Labels: { mount: 'database/' } },
    );
    assert.deepEqual(
      json.Counters.find((c) => c.Name === 'secretum_vault_requests_total'),
      { Name: 'secretum_vault_requests_total', Count: 2, Sum: 2, Mean: 1, Labels: { operation: 'read', status_class: '2xx', mount_type: 'kv' } },
    );
    const latency = json.Samples.find((s) => s.Name === 'secretum_vault_request_duration_seconds')!;
    assert.deepEqual(latency.Labels, { operation: 'read', mount_type: 'kv' });
    assert.equal(latency.Count, 2);
    assert.ok(Math.abs(latency.Mean - 0.003) < 1e-12);
    JSON.parse(JSON.stringify(json)); // serialisable
  });
});
