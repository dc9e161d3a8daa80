import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CorsPolicy } from './cors.js';
import { send, startTestServer, type TestServer } from './test-kit.js';

/** A switchable policy: the listener reads `enabled` on every request. */
const policy: { enabled: boolean } & CorsPolicy = { enabled: false, allowHeaders: 'Content-Type,X-Vault-Token', allows: (o: string) => o === 'https://ui.example' };

describe('CORS in the HTTP layer', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({}, policy)));
  after(() => server.http.close());
  const preflight = (origin: string, method = 'GET') =>
    send(server.port, 'OPTIONS', '/v1/secret/data/app', { headers: { origin, 'access-control-request-method': method } });

  it('changes nothing while disabled: OPTIONS is 405 and responses carry no CORS headers', async () => {
    policy.enabled = false;
    assert.equal((await preflight('https://ui.example')).status, 405);
    const res = await send(server.port, 'GET', '/v1/secret/data/app', { headers: { origin: 'https://evil.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('answers a preflight from an allowed origin with 204 without running the pipeline', async () => {
    policy.enabled = true;
    const before = server.pipeline.requests.length;
    const res = await preflight('https://ui.example');
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'https://ui.example');
    assert.equal(res.headers['access-control-allow-methods'], 'DELETE,GET,OPTIONS,PATCH,POST,PUT,LIST');
    assert.equal(res.headers['access-control-allow-headers'], 'Content-Type,X-Vault-Token');
    assert.equal(res.headers['access-control-max-age'], '300');
    assert.equal(res.headers['vary'], 'Origin');
    assert.equal(server.pipeline.requests.length, before);
  });

  it('refuses another origin with 403, preflight or not, and an unknown method with 405', async () => {
    policy.enabled = true;
    const refused = await preflight('https://evil.example');
    assert.equal(refused.status, 403);
    assert.deepEqual(JSON.parse(refused.text), { errors: ['origin not allowed'] });
    assert.equal((await send(server.port, 'GET', '/v1/secret/data/app', { headers: { origin: 'https://evil.example' } })).status, 403);
    assert.equal((await preflight('https://ui.example', 'TRACE')).status, 405);
  });

  it('adds Allow-Origin and Vary to responses for an allowed origin, and nothing without Origin', async () => {
    policy.enabled = true;
    const res = await send(server.port, 'GET', '/v1/secret/data/app', { headers: { origin: 'https://ui.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'https://ui.example');
    assert.equal(res.headers['vary'], 'Origin');
    const cli = await send(server.port, 'GET', '/v1/secret/data/app');
    assert.equal(cli.headers['access-control-allow-origin'], undefined);
    // No Origin on OPTIONS: not a browser's preflight, so the old 405.
    assert.equal((await send(server.port, 'OPTIONS', '/v1/secret/data/app')).status, 405);
  });
});
