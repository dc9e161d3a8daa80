import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EngineFactory, EngineRequest, EngineResponse } from '../framework/engine.js';
import { FakeClock, mountEngine, type EngineHarness } from '../framework/engine-harness.js';
import { Metrics } from '../metrics/metrics.js';
import { parsePrometheusText, sample } from '../metrics/prometheus-text.test-helper.js';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { metricsPaths } from './path-metrics.js';

const metricsEngine =
  (metrics: Metrics): EngineFactory =>
  async () => ({ kind: 'secrets', paths: metricsPaths(metrics) });

const text = (res: EngineResponse | undefined) => String(res?.raw?.body);

describe('sys/metrics (tier 1)', () => {
  let metrics: Metrics;
  let sys: EngineHarness;
  before(async () => {
    metrics = new Metrics({ clock: new FakeClock(), processMetrics: false });
    metrics.recordRequest('read', 'kv', 200, 0.001);
    sys = await mountEngine(metricsEngine(metrics), { path: 'sys/', type: 'system' });
  });

  it('format=prometheus answers the Prometheus text format, raw', async () => {
    const res = await sys.send('read', 'metrics', { format: 'prometheus' });
    assert.equal(res?.raw?.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(res?.raw?.status ?? 200, 200);
    const families = parsePrometheusText(text(res));
    assert.equal(sample(families, 'secretum_vault_requests_total', { operation: 'read', mount_type: 'kv' }), 1);
  });

  it('no format answers go-metrics JSON, raw (no envelope)', async () => {
    const res = await sys.send('read', 'metrics');
    assert.equal(res?.raw?.contentType, 'application/json');
    const json = JSON.parse(text(res)) as Record<string, unknown[]>;
    for (const key of ['Gauges', 'Counters', 'Samples', 'Points']) assert.ok(Array.isArray(json[key]), key);
    assert.ok(json['Counters']!.some((c) => (c as { Name: string }).Name === 'secretum_vault_requests_total'));
  });

  it('an unknown format is a 400 in plain text, as in Vault', async () => {
    const res = await sys.send('read', 'metrics', { format: 'xml' });
    assert.equal(res?.raw?.status, 400);
    assert.equal(res?.raw?.contentType, 'text/plain');
    assert.equal(text(res), 'metric response format "xml" unknown');
  });

  it('an OpenMetrics Accept header (a Prometheus scraper) selects the text format', async () => {
    const read = sys.engine.paths[0]!.operations.read!;
    const req = (accept: string) =>
      ({ data: { format: '' }, headers: { accept } }) as unknown as EngineRequest<{ format: string }>;
    const scraper = await read.handle(req('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'));
    assert.match(String(scraper?.raw?.contentType), /^text\/plain; version=0\.0\.4/);
    const browser = await read.handle(req('text/html,*/*'));
    assert.equal(browser?.raw?.contentType, 'application/json');
  });

  it('asks Cedar for read on sys/metrics', async () => {
    const { authz } = await sys.call('read', 'metrics', { format: 'prometheus' });
    assert.deepEqual(authz, { action: 'read', resource: 'sys/metrics' });
  });
});

describe('sys/metrics through the pipeline (tier 2)', () => {
  // Mounted as a plugin at `telemetry/` until the lead wires `metricsPaths` into `sys/`: the path
  // declaration, the raw response and the Cedar resource are the same wherever it is mounted.
  let vault: Vault;
  before(async () => {
    const metrics = new Metrics({ clock: { now: () => Date.now() }, processMetrics: false });
    vault = await devVault([{ type: 'metrics-test', kind: 'secrets', factory: metricsEngine(metrics) }]);
    assert.equal((await send(vault, 'update', 'sys/mounts/telemetry', { body: { type: 'metrics-test' } })).status, 204);
  });
  after(() => vault.close());

  it('serves text/plain through the pipeline and JSON outside the envelope', async () => {
    const prom = await send(vault, 'read', 'telemetry/metrics', { query: { format: 'prometheus' } });
    assert.equal(prom.status, 200);
    assert.match(String(prom.raw?.contentType), /^text\/plain; version=0\.0\.4/);
    parsePrometheusText(String(prom.raw?.body));
    const json = await send(vault, 'read', 'telemetry/metrics');
    assert.equal(json.status, 200);
    assert.ok('Gauges' in JSON.parse(String(json.raw?.body)));
  });

  it('a token needs the documented Cedar permit', async () => {
    const create = async (policies: string[]) =>
      body(await send(vault, 'update', 'auth/token/create', { body: { policies } })).auth.client_token as string;
    const without = await create(['default']);
    assert.equal((await send(vault, 'read', 'telemetry/metrics', { token: without })).status, 403);
    const policy = 'permit(principal in Role::"metrics", action == Action::"read", resource == Secret::"sys/metrics");';
    assert.equal((await send(vault, 'update', 'sys/policies/cedar/metrics', { body: { policy } })).status, 204);
    const scraper = await create(['metrics']);
    const res = await send(vault, 'read', 'telemetry/metrics', { token: scraper, query: { format: 'prometheus' } });
    assert.equal(res.status, 200);
  });
});
