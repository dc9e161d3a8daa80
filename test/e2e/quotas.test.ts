import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqliteConfig, startServerProcess, type ServerProcess } from './server-process.js';

interface Reply {
  status: number;
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

/** node:http rather than fetch: it sends `LIST` as the Vault CLI does. */
function call(url: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const u = new URL(url);
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method, path: `/v1/${path}`, headers: { ...(token && { 'X-Vault-Token': token }), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

describe('rate-limit quotas and audited headers over HTTP (real server process)', () => {
  const { config, dir } = sqliteConfig();
  let server: ServerProcess;
  let token: string;
  let key: string;
  before(async () => {
    server = await startServerProcess(['--config', config]);
    const init = await call(server.url, 'PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 });
    token = init.json.root_token;
    key = init.json.keys[0];
    await call(server.url, 'PUT', 'sys/unseal', undefined, { key });
    assert.equal((await call(server.url, 'POST', 'sys/mounts/kv', token, { type: 'kv', options: { version: '2' } })).status, 204);
    assert.equal((await call(server.url, 'POST', 'kv/data/app', token, { data: { v: '1' } })).status, 200);
  });
  after(async () => server?.stop());

  it('answers 429 with Vault’s body and headers after the burst; other mounts and exempt paths go on', async () => {
    assert.equal((await call(server.url, 'POST', 'sys/quotas/config', token, { enable_rate_limit_response_headers: true })).status, 204);
    const created = await call(server.url, 'POST', 'sys/quotas/rate-limit/kv', token, { path: 'kv/', rate: 3, interval: '1h' });
    assert.equal(created.status, 204);
    const listed = await call(server.url, 'LIST', 'sys/quotas/rate-limit', token);
    assert.deepEqual(listed.json.data.keys, ['kv']);

    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await call(server.url, 'GET', 'kv/data/app', token));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 429]);
    assert.equal(replies[0]!.headers['x-ratelimit-limit'], '3');
    assert.deepEqual(replies.slice(0, 3).map((r) => r.headers['x-ratelimit-remaining']), ['2', '1', '0']);
    const refused = replies[3]!;
    assert.equal(refused.headers['content-type'], 'application/json');
    assert.deepEqual(refused.json, { errors: ['request path "kv/data/app": rate limit quota exceeded'] });
    assert.match(String(refused.headers['retry-after']), /^\d+$/);
    assert.match(String(refused.headers['x-ratelimit-reset']), /^\d+$/);

    assert.equal((await call(server.url, 'GET', 'sys/mounts', token)).status, 200);
    assert.equal((await call(server.url, 'GET', 'sys/health')).status, 200);
  });

  it('keeps the quota across a restart: it is stored through the barrier and loaded on unseal', async () => {
    await server.stop();
    server = await startServerProcess(['--config', config]);
    assert.equal((await call(server.url, 'GET', 'sys/quotas/rate-limit/kv', token)).status, 503, 'sealed');
    assert.equal((await call(server.url, 'PUT', 'sys/unseal', undefined, { key })).status, 200);
    const read = await call(server.url, 'GET', 'sys/quotas/rate-limit/kv', token);
    assert.equal(read.json.data.path, 'kv/');
    assert.equal(read.json.data.interval, 3600);
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push((await call(server.url, 'GET', 'kv/data/app', token)).status);
    assert.deepEqual(replies, [200, 200, 200, 429], 'buckets are per process and start full');
    assert.equal((await call(server.url, 'DELETE', 'sys/quotas/rate-limit/kv', token)).status, 204);
    assert.equal((await call(server.url, 'GET', 'kv/data/app', token)).status, 200);
  });

  it('records configured request headers in audit entries; the token header only as an HMAC', async () => {
    const file = join(dir, 'audit.log');
    assert.equal((await call(server.url, 'PUT', 'sys/audit/file', token, { type: 'file', options: { file_path: file } })).status, 204);
    await call(server.url, 'POST', 'sys/config/auditing/request-headers/X-Request-Origin', token, { hmac: false });
    await call(server.url, 'POST', 'sys/config/auditing/request-headers/X-Vault-Token', token, { hmac: false });
    const listed = await call(server.url, 'GET', 'sys/config/auditing/request-headers', token);
    assert.deepEqual(listed.json.headers, { 'x-request-origin': { hmac: false }, 'x-vault-token': { hmac: false } });
    await call(server.url, 'GET', 'kv/data/app', token, undefined, { 'X-Request-Origin': 'ci-job-17', 'X-Unlisted': 'nope-3f2a' });
    const text = await readFile(file, 'utf8');
    const lines = text
      .split('\n')
      .filter((l) => l.includes('"kv/data/app"'))
      .map((l) => JSON.parse(l.slice(l.indexOf('{'))));
    assert.equal(lines.length, 2);
    for (const entry of lines) {
      assert.deepEqual(entry.request.headers['x-request-origin'], ['ci-job-17']);
      assert.match(entry.request.headers['x-vault-token'][0], /^hmac-sha256:[0-9a-f]{64}$/);
    }
    assert.ok(!text.includes(token), 'raw token in the audit log');
    assert.ok(!text.includes('nope-3f2a'), 'unconfigured header in the audit log');
  });
});
