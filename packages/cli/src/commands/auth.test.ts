import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from '../fake-vault.test-helper.js';
import { runCli } from '../memory-io.test-helper.js';

const mounts = {
  'userpass/': {
    type: 'userpass',
    description: '',
    accessor: 'userpass_1',
    config: { default_lease_ttl: 3600, max_lease_ttl: 0, token_type: 'default-service' },
    options: null,
    local: false,
    seal_wrap: false,
  },
  'token/': {
    type: 'token',
    description: 'token based credentials',
    accessor: 'token_1',
    config: { default_lease_ttl: 0, max_lease_ttl: 0 },
    options: null,
    local: false,
    seal_wrap: false,
  },
};

describe('secretum auth', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let env: Record<string, string>;

  before(async () => {
    fake = await startFakeVault((req) => handler(req));
    env = { VAULT_ADDR: fake.address, VAULT_TOKEN: 'root' };
  });
  beforeEach(() => {
    fake.requests.length = 0;
    handler = () => ({ status: 204 });
  });
  after(() => fake.close());

  it('enable mounts at the type, or -path, with config', async () => {
    const plain = await runCli(['auth', 'enable', 'userpass'], { env });
    assert.deepEqual([plain.code, plain.stdout, plain.stderr], [0, 'Success! Enabled userpass auth method at: userpass/\n', '']);
    const custom = await runCli(
      ['auth', 'enable', '-path=people/', '-description=humans', '-default-lease-ttl=1h', '-listing-visibility=unauth', 'userpass'],
      { env },
    );
    assert.equal(custom.stdout, 'Success! Enabled userpass auth method at: people/\n');
    assert.deepEqual(
      fake.requests.map((r) => [r.method, r.url, JSON.parse(r.body)]),
      [
        ['POST', 'sys/auth/userpass', { type: 'userpass' }],
        ['POST', 'sys/auth/people', { type: 'userpass', description: 'humans', config: { default_lease_ttl: '1h', listing_visibility: 'unauth' } }],
      ],
    );
  });

  it('disable accepts `auth/x/` and prints nothing with -format=json', async () => {
    const r = await runCli(['auth', 'disable', 'auth/userpass/'], { env });
    assert.equal(r.stdout, 'Success! Disabled the auth method (if it existed) at: userpass/\n');
    const quiet = await runCli(['auth', 'disable', '-format=json', 'userpass'], { env });
    assert.equal(quiet.stdout, '');
    assert.deepEqual(fake.requests.map((q) => `${q.method} ${q.url}`), ['DELETE sys/auth/userpass', 'DELETE sys/auth/userpass']);
  });

  it('list prints a sorted table, -detailed TTLs, JSON and YAML', async () => {
    handler = () => ({ body: envelope(mounts, mounts) });
    const table = await runCli(['auth', 'list'], { env });
    assert.equal(
      table.stdout,
      [
        'Path         Type        Accessor      Description',
        '----         ----        --------      -----------',
        'token/       token       token_1       token based credentials',
        'userpass/    userpass    userpass_1    n/a',
        '',
      ].join('\n'),
    );
    const detailed = await runCli(['auth', 'list', '-detailed'], { env });
    assert.match(detailed.stdout, /^userpass\/\s+userpass\s+userpass_1\s+1h0m0s\s+system\s+default-service\s+replicated\s+n\/a\s+n\/a$/m);
    const json = await runCli(['auth', 'list', '-format=json'], { env });
    assert.deepEqual(JSON.parse(json.stdout), mounts);
    const yaml = await runCli(['auth', 'list', '-format=yaml'], { env });
    assert.match(yaml.stdout, /^userpass\/:\n {2}type: userpass\n {2}description: ""\n {2}accessor: userpass_1\n/);
  });

  it('tune posts the settings; with none it is a usage error', async () => {
    const r = await runCli(['auth', 'tune', '-max-lease-ttl=24h', '-token-type=batch', '-audit-non-hmac-request-keys=a,b', 'userpass'], { env });
    assert.equal(r.stdout, 'Success! Tuned the auth method at: userpass/\n');
    assert.equal(fake.requests[0]!.url, 'sys/auth/userpass/tune');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { max_lease_ttl: '24h', token_type: 'batch', audit_non_hmac_request_keys: ['a', 'b'] });
    const none = await runCli(['auth', 'tune', 'userpass'], { env });
    assert.deepEqual([none.code, none.stderr], [2, 'Error: nothing to tune: give at least one setting, e.g. `-default-lease-ttl=1h`\n']);
  });

  it('server errors become one line, exit 1', async () => {
    handler = () => ({ status: 400, body: { errors: ['path is already in use at userpass/'] } });
    const r = await runCli(['auth', 'enable', 'userpass'], { env });
    assert.deepEqual([r.code, r.stdout], [1, '']);
    assert.match(r.stderr, /^Error enabling userpass auth at userpass\/: .*already in use.*\n$/);
  });
});
