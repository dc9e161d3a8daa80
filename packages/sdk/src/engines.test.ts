import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VaultClient } from './client.js';
import { PermissionDeniedError } from './errors.js';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from './fake-vault.test-helper.js';

// Auth methods and engines the server is still growing are checked against Vault's documented
// request and response shapes, on a fake server.

const auth = (token: string) => ({
  client_token: token,
  accessor: 'acc',
  policies: ['default'],
  metadata: null,
  lease_duration: 3600,
  renewable: true,
  entity_id: '',
  token_type: 'service',
  orphan: true,
  num_uses: 0,
});

describe('logins, database, ssh, transit', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let client: VaultClient;
  before(async () => {
    fake = await startFakeVault((req) => handler(req));
  });
  beforeEach(() => {
    fake.requests.length = 0;
    client = new VaultClient({ address: fake.address, token: 'old' });
  });
  after(() => fake.close());

  it('userpass: POST auth/userpass/login/:username, keeps the new token, sends no old one', async () => {
    handler = () => ({ body: envelope(null, { auth: auth('s.user') }) });
    const res = await client.auth.userpass('alice', 'pw');
    assert.equal(res.auth.client_token, 's.user');
    assert.equal(fake.requests[0]!.url, 'auth/userpass/login/alice');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { password: 'pw' });
    assert.equal(fake.requests[0]!.headers['x-vault-token'], undefined);
    assert.equal(client.clientToken, 's.user');
  });

  it('approle and cert logins, on custom mounts', async () => {
    handler = () => ({ body: envelope(null, { auth: auth('s.app') }) });
    await client.auth.appRole('rid', 'sid', 'ci-approle');
    assert.equal(fake.requests[0]!.url, 'auth/ci-approle/login');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { role_id: 'rid', secret_id: 'sid' });
    await client.auth.cert('web');
    assert.equal(fake.requests[1]!.url, 'auth/cert/login');
    assert.deepEqual(JSON.parse(fake.requests[1]!.body), { name: 'web' });
  });

  it('a failed login keeps the old token and carries the server message', async () => {
    handler = () => ({ status: 400, body: { errors: ['invalid username or password'] } });
    await assert.rejects(client.auth.userpass('alice', 'bad'), /invalid username or password/);
    assert.equal(client.clientToken, 'old');
  });

  it('token: checks it with lookup-self before keeping it', async () => {
    handler = () => ({ status: 403, body: { errors: ['permission denied'] } });
    await assert.rejects(client.auth.token('s.bad'), PermissionDeniedError);
    assert.equal(client.clientToken, 'old');
    assert.equal(fake.requests[0]!.headers['x-vault-token'], 's.bad');
  });

  it('database creds: data and lease together', async () => {
    handler = () => ({
      body: envelope({ username: 'v-token-ro-abc', password: 'pw' }, { lease_id: 'database/creds/ro/xyz', lease_duration: 3600, renewable: true }),
    });
    const creds = await client.database().creds('ro');
    assert.equal(fake.requests[0]!.url, 'database/creds/ro');
    assert.deepEqual(creds, { username: 'v-token-ro-abc', password: 'pw', lease_id: 'database/creds/ro/xyz', lease_duration: 3600, renewable: true });
  });

  it('ssh sign', async () => {
    handler = () => ({ body: envelope({ serial_number: '1f', signed_key: 'ssh-ed25519-cert-v01@openssh.com AAAA' }) });
    const signed = await client.ssh().sign('ops', { public_key: 'ssh-ed25519 AAAA me', valid_principals: 'root' });
    assert.equal(fake.requests[0]!.url, 'ssh/sign/ops');
    assert.equal(signed.signed_key, 'ssh-ed25519-cert-v01@openssh.com AAAA');
  });

  it('transit: plaintext goes base64, decrypt returns bytes', async () => {
    handler = (req) =>
      req.url.startsWith('transit/encrypt/')
        ? { body: envelope({ ciphertext: `vault:v1:${JSON.parse(req.body).plaintext}` }) }
        : { body: envelope({ plaintext: JSON.parse(req.body).ciphertext.slice('vault:v1:'.length) }) };
    const ct = await client.transit().encrypt('k', 'héllo');
    assert.equal(ct, `vault:v1:${Buffer.from('héllo').toString('base64')}`);
    assert.equal(await client.transit().decryptText('k', ct), 'héllo');
  });

  it('unwrap sends the wrapping token as the caller when the client has none', async () => {
    handler = () => ({ body: envelope({ secret: 'x' }) });
    const anon = new VaultClient({ address: fake.address, token: '' });
    const res = await anon.unwrap('s.wrap');
    assert.deepEqual(res?.data, { secret: 'x' });
    assert.equal(fake.requests[0]!.headers['x-vault-token'], 's.wrap');
  });
});
