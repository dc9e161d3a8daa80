import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { InternalPipeline, VaultRequest, VaultResponse } from '../pipeline/vault-request.js';
import type { Vault } from '../server.js';
import { InFlightRequests } from './in-flight-requests.js';
import { rawBody, tokenFor } from './system-test-kit.js';

describe('sys/ha-status, sys/host-info, sys/in-flight-req (tier 2)', () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
  });
  after(() => vault.close());

  it('ha-status lists this node alone, active, in data and at the top level', async () => {
    const res = await send(vault, 'read', 'sys/ha-status');
    assert.equal(res.status, 200);
    const node = { hostname: hostname(), api_address: 'http://127.0.0.1:0', cluster_address: '', active_node: true, last_echo: null, version: '0.1.0' };
    assert.deepEqual(body(res).data.nodes, [node]);
    assert.deepEqual(body(res).nodes, [node]);
  });

  it('host-info reports cpu, cpu_times, disk, host, memory and a timestamp', async () => {
    const res = await send(vault, 'read', 'sys/host-info');
    assert.equal(res.status, 200);
    const d = body(res).data;
    assert.ok(d.cpu.length > 0 && typeof d.cpu[0].modelName === 'string');
    assert.equal(d.cpu_times.length, d.cpu.length);
    assert.equal(d.cpu_times[0].cpu, 'cpu0');
    assert.equal(d.disk[0].path, '/');
    assert.ok(d.disk[0].total >= d.disk[0].free);
    assert.equal(d.host.hostname, hostname());
    assert.ok(d.memory.total > 0 && d.memory.used + d.memory.free === d.memory.total);
    assert.ok(Math.abs(Date.parse(d.timestamp) - Date.now()) < 60_000);
  });

  it('in-flight-req answers the bare map of requests being served, itself included', async () => {
    const res = await send(vault, 'read', 'sys/in-flight-req', { remoteAddress: '10.1.2.3' });
    assert.equal(res.status, 200);
    assert.equal(res.raw?.contentType, 'application/json');
    const entries = Object.values(rawBody(res));
    assert.equal(entries.length, 1);
    assert.equal(entries[0].request_path, '/v1/sys/in-flight-req');
    assert.equal(entries[0].request_method, 'GET');
    assert.equal(entries[0].client_remote_address, '10.1.2.3');
    assert.equal(entries[0].client_id, '');
    assert.ok(!Number.isNaN(Date.parse(entries[0].start_time)));
  });

  it('Cedar: ha-status needs `read`; host-info and in-flight-req need `sudo`', async () => {
    const plain = await tokenFor(vault, 'nobody');
    for (const path of ['sys/ha-status', 'sys/host-info', 'sys/in-flight-req']) {
      assert.equal((await send(vault, 'read', path, { token: plain })).status, 403, path);
    }
    const reader = await tokenFor(
      vault,
      'node-reader',
      ['sys/ha-status', 'sys/host-info', 'sys/in-flight-req']
        .map((r) => `permit(principal in Role::"node-reader", action == Action::"read", resource == Secret::"${r}");`)
        .join('\n'),
    );
    assert.equal((await send(vault, 'read', 'sys/ha-status', { token: reader })).status, 200);
    assert.equal((await send(vault, 'read', 'sys/host-info', { token: reader })).status, 403);
    assert.equal((await send(vault, 'read', 'sys/in-flight-req', { token: reader })).status, 403);
    const operator = await tokenFor(
      vault,
      'node-operator',
      ['sys/host-info', 'sys/in-flight-req']
        .map((r) => `permit(principal in Role::"node-operator", action == Action::"sudo", resource == Secret::"${r}");`)
        .join('\n'),
    );
    assert.equal((await send(vault, 'read', 'sys/host-info', { token: operator })).status, 200);
    assert.equal((await send(vault, 'read', 'sys/in-flight-req', { token: operator })).status, 200);
  });
});

describe('InFlightRequests', () => {
  const request = (id: string, operation: VaultRequest['operation'], rawPath: string): VaultRequest => ({
    id,
    operation,
    rawPath,
    query: {},
    body: {},
    remoteAddress: '127.0.0.1',
    headers: {},
    help: false,
  });

  it('holds a request exactly while the pipeline runs it, failures included', async () => {
    const inFlight = new InFlightRequests(() => Date.UTC(2026, 0, 1));
    const release: Array<() => void> = [];
    const inner: InternalPipeline = {
      handle: (req) =>
        new Promise<VaultResponse>((resolve, reject) =>
          release.push(() => (req.rawPath === 'fail' ? reject(new Error('boom')) : resolve({ status: 204 }))),
        ),
      handleAs: async () => ({ status: 204 }),
    };
    const tracked = inFlight.track(inner);
    const a = tracked.handle(request('a', 'update', 'secret/data/x'));
    const b = tracked.handle(request('b', 'list', 'fail'));
    await tracked.handleAs(request('c', 'read', 'internal'), {} as never);
    assert.deepEqual(Object.keys(inFlight.snapshot()).sort(), ['a', 'b']);
    assert.deepEqual(inFlight.snapshot()['a'], {
      start_time: '2026-01-01T00:00:00.000Z',
      client_remote_address: '127.0.0.1',
      request_path: '/v1/secret/data/x',
      request_method: 'PUT',
      client_id: '',
    });
    assert.equal(inFlight.snapshot()['b']!.request_method, 'LIST');
    release.forEach((r) => r());
    await a;
    await assert.rejects(b);
    assert.deepEqual(inFlight.snapshot(), {});
  });
});
