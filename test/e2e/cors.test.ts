import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteConfig, startServerProcess, type ServerProcess } from './server-process.js';

/** A browser's requests, sent with fetch: `Origin` and the preflight headers set by hand. */
describe('CORS over HTTP (real server process)', () => {
  const { config } = sqliteConfig();
  let server: ServerProcess;
  let token: string;
  const call = (method: string, path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}/v1/${path}`, {
      method,
      headers: { ...(init.token && { 'X-Vault-Token': init.token }), ...init.headers },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
  const preflight = (origin: string) =>
    call('OPTIONS', 'secret/data/app', {
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-vault-token' },
    });

  before(async () => {
    server = await startServerProcess(['--config', config]);
    const init = (await (await call('PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } })).json()) as { root_token: string; keys: string[] };
    token = init.root_token;
    await call('PUT', 'sys/unseal', { body: { key: init.keys[0] } });
  });
  after(async () => server?.stop());

  it('answers OPTIONS with 405 until CORS is enabled', async () => {
    assert.equal((await preflight('https://ui.example')).status, 405);
  });

  it('answers a preflight from an allowed origin, refuses another, and marks responses once enabled', async () => {
    const put = await call('POST', 'sys/config/cors', { token, body: { allowed_origins: 'https://ui.example', allowed_headers: 'X-Custom' } });
    assert.equal(put.status, 204);

    const ok = await preflight('https://ui.example');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://ui.example');
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /PUT/);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /X-Vault-Token.*X-Custom$/);
    assert.equal(ok.headers.get('access-control-max-age'), '300');

    const refused = await preflight('https://evil.example');
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), { errors: ['origin not allowed'] });

    const read = await call('GET', 'sys/config/cors', { token, headers: { Origin: 'https://ui.example' } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('access-control-allow-origin'), 'https://ui.example');
    assert.equal(read.headers.get('vary'), 'Origin');
    assert.deepEqual(((await read.json()) as { allowed_origins: string[] }).allowed_origins, ['https://ui.example']);

    assert.equal((await call('DELETE', 'sys/config/cors', { token })).status, 204);
    assert.equal((await preflight('https://ui.example')).status, 405);
  });
});
