import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from './server-process.js';

const ROOT = 'e2e-root-token';

/** A raw request, so paths reach the server exactly as written (fetch would normalise them). */
function raw(url: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
  const u = new URL(url);
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method, path, headers: { 'X-Vault-Token': ROOT, ...headers } },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: data, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('bad input gets a clear 4xx and the server keeps serving', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess(['--dev', '--dev-listen-address', '127.0.0.1:0', '--dev-root-token-id', ROOT]);
  });
  after(async () => server?.stop());

  const assertServing = async () => {
    const ok = await raw(server.url, 'GET', '/v1/sys/health');
    assert.equal(ok.status, 200);
  };
  const assertError = (res: { status: number; body: string; headers: Record<string, unknown> }, status: number) => {
    assert.equal(res.status, status, res.body);
    assert.equal(res.headers['content-type'], 'application/json');
    const parsed = JSON.parse(res.body) as { errors: string[] };
    assert.ok(Array.isArray(parsed.errors));
    assert.doesNotMatch(res.body, /at .+\.js:\d+/); // no stack traces
  };

  it('malformed JSON', async () => {
    assertError(await raw(server.url, 'POST', '/v1/secret/data/x', '{"data": {', { 'content-type': 'application/json' }), 400);
    await assertServing();
  });

  it('wrong field types', async () => {
    assertError(await raw(server.url, 'POST', '/v1/secret/data/x', JSON.stringify({ data: 'not-an-object' })), 400);
    assertError(
      await raw(server.url, 'POST', '/v1/secret/data/x', JSON.stringify({ data: { a: 1 }, options: { cas: 'abc' } })),
      400,
    );
    assertError(await raw(server.url, 'POST', '/v1/sys/mounts/newkv', JSON.stringify({ type: 12, config: 'x' })), 400);
    await assertServing();
  });

  it('unknown mount: 404 for root, 403 without a token (no mount oracle)', async () => {
    assertError(await raw(server.url, 'GET', '/v1/nosuchmount/foo'), 404);
    const anon = await raw(server.url, 'GET', '/v1/nosuchmount/foo', undefined, { 'X-Vault-Token': '' });
    assertError(anon, 403);
    const anonReal = await raw(server.url, 'GET', '/v1/secret/data/foo', undefined, { 'X-Vault-Token': '' });
    assertError(anonReal, 403);
    assert.equal(anon.body, anonReal.body);
  });

  for (const path of [
    '/v1/secret/data/../data/x',
    '/v1/secret/data/./x',
    '/v1/secret//data/x',
    '/v1/secret/data/%2e%2e/x',
    '/v1/secret/data/%2E%2e/x',
    '/v1/secret/data/a%00b',
    '/v1/secret/data/a%0ab',
    '/v1/secret/data/a%E2%80%A8b',
    '/v1/secret/data/%C0%AF',
  ]) {
    it(`path ${path} is refused with 400`, async () => {
      assertError(await raw(server.url, 'GET', path), 400);
      await assertServing();
    });
  }

  it('a 33 MiB body gets 413', async () => {
    const big = Buffer.alloc(33 * 1024 * 1024, 'a');
    const res = await raw(server.url, 'POST', '/v1/secret/data/big', big).catch((err: NodeJS.ErrnoException) => {
      // The server may close the connection while the client is still sending.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') return { status: 413, body: '{"errors":[]}', headers: { 'content-type': 'application/json' } };
      throw err;
    });
    assertError(res, 413);
    await assertServing();
  });

  it('deeply nested JSON gets 400', async () => {
    const depth = 100_000;
    const body = '{"data":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
    assertError(await raw(server.url, 'POST', '/v1/secret/data/deep', body), 400);
    await assertServing();
  });

  for (const token of ['', 'garbage', 's.', 's.' + 'A'.repeat(5000), 'hvs.abc', '../../etc', 'tok\u00e9n']) {
    it(`invalid token ${JSON.stringify(token.slice(0, 12))} gets 403`, async () => {
      const res = await raw(server.url, 'GET', '/v1/secret/data/x', undefined, {
        'X-Vault-Token': Buffer.from(token, 'utf8').toString('latin1'),
      });
      assertError(res, 403);
    });
  }

  it('a token in the query string is never accepted', async () => {
    assertError(await raw(server.url, 'GET', `/v1/secret/data/x?token=${ROOT}&X-Vault-Token=${ROOT}`, undefined, { 'X-Vault-Token': '' }), 403);
  });
});
