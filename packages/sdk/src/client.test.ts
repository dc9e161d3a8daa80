import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { VaultClient } from './client.js';
import {
  InternalServerError,
  InvalidRequestError,
  isVaultError,
  NotFoundError,
  PermissionDeniedError,
  SealedError,
  UnavailableError,
  UnexpectedStatusError,
  type VaultError,
} from './errors.js';
import { envelope, startFakeVault, type FakeReply, type FakeVault } from './fake-vault.test-helper.js';

describe('VaultClient.request', () => {
  let fake: FakeVault;
  let reply: FakeReply = {};
  let client: VaultClient;

  before(async () => {
    fake = await startFakeVault(() => reply);
    client = new VaultClient({ address: fake.address, token: 'hvs.test', namespace: 'team/' });
  });
  after(() => fake.close());

  it('sends the token, namespace and request headers', async () => {
    reply = { body: envelope({ a: 1 }) };
    const body = await client.read('secret/data/x');
    assert.deepEqual(body.data, { a: 1 });
    const seen = fake.requests.at(-1)!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, 'secret/data/x');
    assert.equal(seen.headers['x-vault-token'], 'hvs.test');
    assert.equal(seen.headers['x-vault-namespace'], 'team/');
    assert.equal(seen.headers['x-vault-request'], 'true');
  });

  it('sends JSON bodies, query strings and the wrap TTL', async () => {
    reply = { status: 204 };
    const result = await client.request('PUT', '/sys/x', { body: { k: 'v' }, query: { a: 1, b: undefined }, wrapTtl: '5m' });
    assert.equal(result, undefined);
    const seen = fake.requests.at(-1)!;
    assert.equal(seen.url, 'sys/x?a=1');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers['x-vault-wrap-ttl'], '5m');
    assert.deepEqual(JSON.parse(seen.body), { k: 'v' });
  });

  it('percent-encodes path segments', async () => {
    reply = { status: 204 };
    await client.delete('secret/data/a b/c?d');
    assert.equal(fake.requests.at(-1)!.url, 'secret/data/a%20b/c%3Fd');
  });

  it('omits the token header when there is no token', async () => {
    reply = { body: { initialized: true } };
    const anon = new VaultClient({ address: fake.address, token: '' });
    await anon.sys.initStatus();
    assert.equal(fake.requests.at(-1)!.headers['x-vault-token'], undefined);
  });

  it('sends LIST as GET ?list=true with a trailing slash', async () => {
    reply = { body: envelope({ keys: ['a', 'b/'] }) };
    assert.deepEqual(await client.list('secret/metadata/app'), ['a', 'b/']);
    const seen = fake.requests.at(-1)!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, 'secret/metadata/app/?list=true');
  });

  it('answers [] for a 404 list', async () => {
    reply = { status: 404, body: { errors: [] } };
    assert.deepEqual(await client.list('secret/metadata/none'), []);
  });

  const cases: [number, string[], new (...args: never[]) => VaultError, VaultError['code']][] = [
    [400, ['missing `data`'], InvalidRequestError, 'invalid_request'],
    [403, ['permission denied'], PermissionDeniedError, 'permission_denied'],
    [404, [], NotFoundError, 'not_found'],
    [500, ['boom'], InternalServerError, 'internal'],
    [502, ['upstream'], UnavailableError, 'unavailable'],
    [503, ['error performing token check: Vault is sealed'], SealedError, 'sealed'],
    [503, ['no active Vault instance found'], UnavailableError, 'unavailable'],
    [415, ['unsupported media type'], UnexpectedStatusError, 'unexpected_status'],
  ];
  for (const [status, errors, cls, code] of cases) {
    it(`maps ${status} ${errors[0] ?? ''} to ${cls.name}`, async () => {
      reply = { status, body: { errors } };
      const err = await client.read('x/y').then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof cls);
      assert.ok(isVaultError(err));
      assert.equal(err.code, code);
      assert.equal(err.status, status);
      assert.deepEqual(err.errors, errors);
      assert.equal(err.path, 'x/y');
      assert.match(err.message, new RegExp(`\\(${status}\\)$`));
    });
  }

  it('narrows the error class in a switch on code', async () => {
    reply = { status: 403, body: { errors: ['permission denied'] } };
    try {
      await client.read('x');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(isVaultError(err));
      switch (err.code) {
        case 'permission_denied': {
          const narrowed: PermissionDeniedError = err;
          assert.equal(narrowed.status, 403);
          break;
        }
        default:
          assert.fail(`unexpected ${err.code}`);
      }
    }
  });
});

describe('VaultClient connection failures', () => {
  it('maps a refused connection to UnavailableError with status 0', async () => {
    const port = await freePort();
    const client = new VaultClient({ address: `http://127.0.0.1:${port}`, token: 't' });
    await assert.rejects(client.sys.sealStatus(), (err: unknown) => {
      assert.ok(err instanceof UnavailableError);
      assert.equal(err.status, 0);
      assert.match(err.message, /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
      return true;
    });
  });

  it('maps a timeout to UnavailableError', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const client = new VaultClient({ address: `http://127.0.0.1:${port}`, timeoutMs: 100 });
    await assert.rejects(client.sys.sealStatus(), (err: unknown) => {
      assert.ok(err instanceof UnavailableError);
      assert.match(err.message, /timed out after 100 ms/);
      return true;
    });
    silent.close();
  });

  it("sends the real LIST verb with listMethod: 'LIST'", async () => {
    // node:http cannot parse LIST (spec: "Node.js and the LIST method"), so a raw socket answers.
    let requestLine = '';
    const raw = createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        requestLine = chunk.toString('latin1').split('\r\n')[0] ?? '';
        const body = JSON.stringify({ data: { keys: ['k'] } });
        socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const { port } = raw.address() as { port: number };
    const client = new VaultClient({ address: `http://127.0.0.1:${port}`, token: 't', listMethod: 'LIST' });
    assert.deepEqual(await client.list('secret/metadata/a'), ['k']);
    assert.equal(requestLine, 'LIST /v1/secret/metadata/a/ HTTP/1.1');
    raw.close();
  });

  it('reads VAULT_ADDR, VAULT_TOKEN and VAULT_NAMESPACE', () => {
    const saved = { ...process.env };
    process.env['VAULT_ADDR'] = 'http://vault.example:8200';
    process.env['VAULT_TOKEN'] = 'env-token';
    process.env['VAULT_NAMESPACE'] = 'ns1/';
    try {
      const client = new VaultClient();
      assert.equal(client.address, 'http://vault.example:8200');
      assert.equal(client.clientToken, 'env-token');
      assert.equal(client.namespace, 'ns1/');
    } finally {
      process.env = saved;
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
