import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VaultClient } from './client.js';
import { InvalidRequestError } from './errors.js';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from './fake-vault.test-helper.js';

describe('SysClient and TokenClient', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let client: VaultClient;

  before(async () => {
    fake = await startFakeVault((req) => handler(req));
    client = new VaultClient({ address: fake.address, token: 'root' });
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  after(() => fake.close());

  it('returns the health body whatever the status', async () => {
    handler = () => ({ status: 503, body: { initialized: true, sealed: true, standby: false, server_time_utc: 1, version: 'x' } });
    const health = await client.sys.health({ standbyok: true });
    assert.equal(health.sealed, true);
    assert.equal(fake.requests[0]!.url, 'sys/health?standbyok=true');
  });

  it('still throws health errors that carry an errors array', async () => {
    handler = () => ({ status: 400, body: { errors: ['bad code'] } });
    await assert.rejects(client.sys.health(), InvalidRequestError);
  });

  it('unseals with a key or a reset', async () => {
    handler = () => ({ body: { sealed: true, t: 3, n: 5, progress: 1 } });
    await client.sys.unseal('k1');
    await client.sys.unseal({ reset: true });
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url} ${r.body}`),
      ['PUT sys/unseal {"key":"k1"}', 'PUT sys/unseal {"reset":true}'],
    );
  });

  it('returns the mount table from data', async () => {
    const table = { 'secret/': { type: 'kv', options: { version: '2' } } };
    handler = () => ({ body: { ...table, ...envelope(table) } });
    assert.deepEqual(await client.sys.mounts(), table);
  });

  it('returns the key status from a top-level-only body', async () => {
    handler = () => ({ body: { term: 2, install_time: 't' } });
    assert.equal((await client.sys.keyStatus()).term, 2);
  });

  it('enables and disables mounts', async () => {
    handler = () => ({ status: 204 });
    await client.sys.enableMount('kv2', { type: 'kv', options: { version: '2' } });
    await client.sys.disableMount('kv2');
    await client.sys.enableAuth('userpass', { type: 'userpass' });
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url} ${r.body}`),
      [
        'POST sys/mounts/kv2 {"type":"kv","options":{"version":"2"}}',
        'DELETE sys/mounts/kv2 ',
        'POST sys/auth/userpass {"type":"userpass"}',
      ],
    );
  });

  it('creates tokens against the role path and reads auth', async () => {
    handler = () => ({ body: envelope(null, { auth: { client_token: 'hvs.child', policies: ['default'] } }) });
    const created = await client.token.create({ role_name: 'ci', policies: ['a'], ttl: '1h' });
    assert.equal(created.auth.client_token, 'hvs.child');
    assert.equal(fake.requests[0]!.url, 'auth/token/create/ci');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { policies: ['a'], ttl: '1h' });
    await client.token.renew('hvs.child', '30m');
    assert.deepEqual(JSON.parse(fake.requests[1]!.body), { token: 'hvs.child', increment: '30m' });
  });

  it('unwraps with the wrapping token in the body when the client has another token', async () => {
    handler = () => ({ body: envelope({ secret: 'x' }) });
    await client.unwrap('hvs.wrap');
    assert.equal(fake.requests[0]!.headers['x-vault-token'], 'root');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { token: 'hvs.wrap' });
    const anon = new VaultClient({ address: fake.address, token: '' });
    await anon.unwrap('hvs.wrap');
    assert.equal(fake.requests[1]!.headers['x-vault-token'], 'hvs.wrap');
    assert.equal(fake.requests[1]!.body, '');
  });
});
