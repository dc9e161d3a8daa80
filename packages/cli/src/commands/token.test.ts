import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from '../fake-vault.test-helper.js';
import { runCli } from '../memory-io.test-helper.js';

const auth = {
  client_token: 'hvs.child',
  accessor: 'acc1',
  policies: ['a', 'default'],
  token_policies: ['a', 'default'],
  metadata: null,
  lease_duration: 3600,
  renewable: true,
  entity_id: '',
  token_type: 'service',
  orphan: false,
  num_uses: 0,
};

describe('secretum token, secrets, read/write/list/delete', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let env: Record<string, string>;

  before(async () => {
    fake = await startFakeVault((req) => handler(req));
    env = { VAULT_ADDR: fake.address, VAULT_TOKEN: 'env-token', VAULT_NAMESPACE: 'ns1/' };
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  after(() => fake.close());

  it('token create maps the flags and prints the token table', async () => {
    handler = () => ({ body: envelope(null, { auth }) });
    const r = await runCli(
      ['token', 'create', '-policy=a', '-policy=b', '-ttl=1h', '-display-name=ci', '-use-limit=3', '-period=24h', '-no-default-policy'],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    const seen = fake.requests[0]!;
    assert.equal(seen.url, 'auth/token/create');
    assert.equal(seen.headers['x-vault-namespace'], 'ns1/');
    assert.deepEqual(JSON.parse(seen.body), {
      policies: ['a', 'b'],
      ttl: '1h',
      period: '24h',
      display_name: 'ci',
      num_uses: 3,
      no_default_policy: true,
    });
    assert.match(r.stdout, /^Key\s+Value\n---\s+-----\ntoken\s+hvs\.child\ntoken_accessor\s+acc1\ntoken_duration\s+1h0m0s\n/);
  });

  it('token create -orphan -field=token prints only the token', async () => {
    handler = () => ({ body: envelope(null, { auth }) });
    const r = await runCli(['token', 'create', '-orphan', '-field=token'], { env });
    assert.equal(fake.requests[0]!.url, 'auth/token/create-orphan');
    assert.equal(r.stdout, 'hvs.child\n');
  });

  it('token lookup: self, a token, or an accessor; -token overrides VAULT_TOKEN', async () => {
    handler = () => ({ body: envelope({ id: 'x', policies: ['root'], ttl: 0 }) });
    const self = await runCli(['token', 'lookup', '-token=flag-token'], { env });
    assert.match(self.stdout, /policies\s+\[root\]/);
    await runCli(['token', 'lookup', 'hvs.other'], { env });
    await runCli(['token', 'lookup', '-accessor', 'acc1'], { env });
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url} ${r.headers['x-vault-token']} ${r.body}`),
      [
        'GET auth/token/lookup-self flag-token ',
        'POST auth/token/lookup env-token {"token":"hvs.other"}',
        'POST auth/token/lookup-accessor env-token {"accessor":"acc1"}',
      ],
    );
  });

  it('token renew and revoke', async () => {
    handler = (req) => (req.url.includes('renew') ? { body: envelope(null, { auth }) } : { status: 204 });
    await runCli(['token', 'renew', '-increment=1h'], { env });
    await runCli(['token', 'renew', 'hvs.x', '-increment', '30m'], { env });
    const revoked = await runCli(['token', 'revoke', 'hvs.x'], { env });
    assert.equal(revoked.stdout, 'Success! Revoked token (if it existed)\n');
    await runCli(['token', 'revoke', '-self'], { env });
    assert.deepEqual(
      fake.requests.map((r) => `${r.url} ${r.body}`),
      [
        'auth/token/renew-self {"increment":"1h"}',
        'auth/token/renew {"token":"hvs.x","increment":"30m"}',
        'auth/token/revoke {"token":"hvs.x"}',
        'auth/token/revoke-self ',
      ],
    );
    const bad = await runCli(['token', 'revoke'], { env });
    assert.equal(bad.code, 2);
  });

  it('secrets enable/disable/list', async () => {
    handler = (req) =>
      req.method === 'GET'
        ? { body: envelope({ 'secret/': { type: 'kv', accessor: 'kv_1', description: '', options: { version: '2' } } }) }
        : { status: 204 };
    const enabled = await runCli(['secrets', 'enable', '-path=kv2', '-version=2', 'kv'], { env });
    assert.equal(enabled.stdout, 'Success! Enabled the kv secrets engine at: kv2/\n');
    await runCli(['secrets', 'enable', 'kv-v2'], { env });
    await runCli(['secrets', 'disable', 'kv2/'], { env });
    const list = await runCli(['secrets', 'list'], { env });
    assert.match(list.stdout, /^Path\s+Type\s+Accessor\s+Description\n-+\s+-+\s+-+\s+-+\nsecret\/\s+kv \(v2\)\s+kv_1\s+n\/a\n$/);
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url} ${r.body}`),
      [
        'POST sys/mounts/kv2 {"type":"kv","options":{"version":"2"}}',
        'POST sys/mounts/kv-v2 {"type":"kv","options":{"version":"2"}}',
        'DELETE sys/mounts/kv2 ',
        'GET sys/mounts ',
      ],
    );
  });

  it('read, write, list and delete any path', async () => {
    handler = (req) => {
      if (req.method === 'GET' && req.url.endsWith('?list=true')) return { body: envelope({ keys: ['a'] }) };
      if (req.method === 'GET') return { body: envelope({ b: 2, a: 1 }, { lease_id: 'l/1', lease_duration: 60, renewable: true }) };
      return { status: 204 };
    };
    const read = await runCli(['read', 'database/creds/ro'], { env });
    assert.match(read.stdout, /^Key\s+Value\n---\s+-----\nlease_id\s+l\/1\nlease_duration\s+60\nlease_renewable\s+true\na\s+1\nb\s+2\n$/);
    const write = await runCli(['write', 'sys/policies/cedar/p', 'policy=@p.cedar'], { env, files: { 'p.cedar': 'permit(...);' } });
    assert.equal(write.stdout, 'Success! Data written to: sys/policies/cedar/p\n');
    assert.deepEqual(JSON.parse(fake.requests[1]!.body), { policy: 'permit(...);' });
    assert.equal((await runCli(['list', 'sys/policies/cedar'], { env })).stdout, 'Keys\n----\na\n');
    await runCli(['delete', 'sys/policies/cedar/p'], { env });
    assert.equal(fake.requests.at(-1)!.method, 'DELETE');
    handler = () => undefined;
    const missing = await runCli(['read', 'secret/nothing'], { env });
    assert.deepEqual([missing.code, missing.stderr], [2, 'No value found at secret/nothing\n']);
  });

  it('wraps a read or write with -wrap-ttl and unwraps with unwrap', async () => {
    const wrapInfo = { token: 's.wrap', accessor: 'wacc', ttl: 60, creation_time: 't0', creation_path: 'sys/wrapping/wrap' };
    handler = (req) =>
      req.url === 'sys/wrapping/unwrap' ? { body: envelope({ v: 'w-1' }) } : { body: envelope(null, { wrap_info: wrapInfo }) };
    const wrapped = await runCli(['write', '-wrap-ttl=60s', 'sys/wrapping/wrap', 'v=w-1'], { env });
    assert.match(wrapped.stdout, /^wrapping_token\s+s\.wrap$/m);
    assert.equal(fake.requests[0]!.headers['x-vault-wrap-ttl'], '60s');
    const field = await runCli(['read', '-wrap-ttl=2m', '-field=wrapping_token', 'secret/data/a'], { env });
    assert.equal(field.stdout, 's.wrap\n');
    assert.equal(fake.requests[1]!.headers['x-vault-wrap-ttl'], '2m');
    const unwrapped = await runCli(['unwrap', 's.wrap'], { env });
    assert.match(unwrapped.stdout, /^v\s+w-1$/m);
    assert.deepEqual(JSON.parse(fake.requests[2]!.body), { token: 's.wrap' });
    assert.equal(fake.requests[2]!.headers['x-vault-token'], 'env-token');
  });

  it('treats an unknown command or option as a usage error (exit 2)', async () => {
    const unknown = await runCli(['frobnicate'], { env });
    assert.deepEqual([unknown.code, unknown.stderr], [2, 'Error: unknown command `frobnicate`; see `secretum --help`\n']);
    const badFlag = await runCli(['kv', 'get', '-nope', 'secret/a'], { env });
    assert.deepEqual([badFlag.code, badFlag.stderr], [2, 'Error: unknown option `--nope`; see `secretum kv get --help`\n']);
    const typo = await runCli(['sttus'], { env });
    assert.deepEqual([typo.code, typo.stderr], [2, 'Error: unknown command `sttus` (did you mean status?); see `secretum --help`\n']);
    const badAddress = await runCli(['status'], { env: { VAULT_ADDR: '127.0.0.1:8200' } });
    assert.deepEqual([badAddress.code, badAddress.stderr], [2, 'Error: VAULT_ADDR must be an http(s) URL, got `127.0.0.1:8200`\n']);
    assert.equal(fake.requests.length, 0);
    const badFormat = await runCli(['read', '-format=xml', 'x'], { env });
    assert.deepEqual([badFormat.code, badFormat.stderr], [2, 'Error: `-format` must be "table", "json" or "yaml", got `xml`\n']);
  });
});
