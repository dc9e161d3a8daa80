import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from '../fake-vault.test-helper.js';
import { runCli } from '../memory-io.test-helper.js';

const auth = {
  client_token: 's.alice',
  accessor: 'acc-alice',
  policies: ['default'],
  token_policies: ['default'],
  metadata: { username: 'alice' },
  lease_duration: 3600,
  renewable: true,
  entity_id: 'e1',
  token_type: 'service',
  orphan: true,
  num_uses: 0,
};

const lookup = {
  accessor: 'acc-root',
  creation_time: 1,
  creation_ttl: 0,
  display_name: 'root',
  entity_id: '',
  expire_time: null,
  explicit_max_ttl: 0,
  id: 's.root',
  issue_time: 't',
  meta: null,
  num_uses: 0,
  orphan: true,
  path: 'auth/token/root',
  policies: ['root'],
  renewable: false,
  ttl: 0,
  type: 'service',
};

describe('secretum login', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let home: string;
  let env: Record<string, string>;

  before(async () => {
    fake = await startFakeVault((req) => handler(req));
  });
  beforeEach(() => {
    fake.requests.length = 0;
    home = mkdtempSync(join(tmpdir(), 'secretum-login-'));
    env = { VAULT_ADDR: fake.address, HOME: home };
    handler = (req) => {
      if (req.url.startsWith('auth/userpass/login/') || req.url === 'auth/approle/login' || req.url === 'auth/people/login/alice') {
        return { body: envelope(null, { auth }) };
      }
      if (req.url === 'auth/token/lookup-self') return { body: envelope(lookup) };
      return undefined;
    };
  });
  after(async () => {
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('userpass: logs in without the old token, stores the new one 0600, later commands send it', async () => {
    const r = await runCli(['login', '-method=userpass', 'username=alice', 'password=pw'], { env: { ...env, VAULT_TOKEN: '' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Success! You are now authenticated\./);
    assert.match(r.stdout, /\ntoken\s+s\.alice\n/);
    assert.match(r.stdout, /\ntoken_meta\s+map\[username:alice\]\n/);
    const login = fake.requests[0]!;
    assert.equal(login.url, 'auth/userpass/login/alice');
    assert.deepEqual(JSON.parse(login.body), { password: 'pw' });
    assert.equal(login.headers['x-vault-token'], undefined);
    const file = join(home, '.vault-token');
    assert.equal(readFileSync(file, 'utf8'), 's.alice');
    assert.equal(statSync(file).mode & 0o777, 0o600);

    await runCli(['token', 'lookup'], { env });
    assert.equal(fake.requests[1]!.headers['x-vault-token'], 's.alice');
    await runCli(['token', 'lookup'], { env: { ...env, VAULT_TOKEN: 'from-env' } });
    assert.equal(fake.requests[2]!.headers['x-vault-token'], 'from-env');
  });

  it('replaces a wider-permission token file with a 0600 one', async () => {
    const file = join(home, '.vault-token');
    writeFileSync(file, 'old', { mode: 0o644 });
    await runCli(['login', '-method=userpass', 'username=alice', 'password=pw'], { env });
    assert.equal(readFileSync(file, 'utf8'), 's.alice');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('prompts for the password, honours -path, and VAULT_TOKEN_FILE moves the file', async () => {
    const tokenFile = join(home, 'other-token');
    const r = await runCli(['login', '-method=userpass', '-path=people', 'username=alice'], {
      env: { ...env, VAULT_TOKEN_FILE: tokenFile },
      stdin: 'secret-pw\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.url, 'auth/people/login/alice');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { password: 'secret-pw' });
    assert.equal(readFileSync(tokenFile, 'utf8'), 's.alice');
  });

  it('-token-only prints the token and stores nothing; -no-store says so', async () => {
    const only = await runCli(['login', '-method=userpass', '-token-only', 'username=alice', 'password=pw'], { env });
    assert.equal(only.stdout, 's.alice\n');
    const noStore = await runCli(['login', '-method=userpass', '-no-store', 'username=alice', 'password=pw'], { env });
    assert.match(noStore.stdout, /was not stored/);
    assert.throws(() => statSync(join(home, '.vault-token')), /ENOENT/);
  });

  it('-field=token stores and prints raw; JSON and YAML print the response', async () => {
    const field = await runCli(['login', '-method=approle', '-field=token', 'role_id=r', 'secret_id=s'], { env });
    assert.equal(field.stdout, 's.alice\n');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { role_id: 'r', secret_id: 's' });
    assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), 's.alice');
    const json = await runCli(['login', '-method=approle', '-format=json', 'role_id=r'], { env });
    assert.equal(JSON.parse(json.stdout).auth.client_token, 's.alice');
    const yaml = await runCli(['login', '-method=approle', '-format=yaml', 'role_id=r'], { env });
    assert.match(yaml.stdout, /\n {2}client_token: s\.alice\n/);
  });

  it('token method: argument, stdin or prompt; checked with lookup-self', async () => {
    const r = await runCli(['login', 's.root'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.headers['x-vault-token'], 's.root');
    assert.match(r.stdout, /\ntoken\s+s\.root\ntoken_accessor\s+acc-root\ntoken_duration\s+∞\n/);
    assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), 's.root');
    await runCli(['login', '-'], { env, stdin: 's.root\n' });
    await runCli(['login'], { env, stdin: 's.root\n' });
    assert.deepEqual(fake.requests.map((q) => q.headers['x-vault-token']), ['s.root', 's.root', 's.root']);
  });

  it('warns when VAULT_TOKEN will shadow the stored token', async () => {
    const r = await runCli(['login', '-method=userpass', 'username=alice', 'password=pw'], { env: { ...env, VAULT_TOKEN: 'x' } });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^WARNING! The VAULT_TOKEN environment variable is set!/);
  });

  it('usage errors: unknown method, missing username, stray words, a bad token', async () => {
    const unknown = await runCli(['login', '-method=ldap'], { env });
    assert.deepEqual([unknown.code, unknown.stderr.split(';')[0]], [2, 'Error: unknown auth method `ldap`']);
    const missing = await runCli(['login', '-method=userpass', 'password=pw'], { env });
    assert.deepEqual([missing.code, missing.stderr], [2, 'Error: missing `username=…`\n']);
    const stray = await runCli(['login', '-method=userpass', 'alice'], { env });
    assert.deepEqual([stray.code, stray.stderr], [2, 'Error: expected key=value, got `alice`\n']);
    handler = () => ({ status: 403, body: { errors: ['permission denied'] } });
    const bad = await runCli(['login', 's.bad'], { env });
    assert.deepEqual([bad.code, bad.stderr], [1, 'Error looking up token: permission denied (403)\n']);
    assert.throws(() => statSync(join(home, '.vault-token')), /ENOENT/);
  });
});
