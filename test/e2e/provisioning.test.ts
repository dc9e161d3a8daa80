import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { VaultClient, type InitResponse } from '@secretumvault/sdk';
import { fails, ok, PROVISIONING_BIN, provisioning, runProcess, type CliResult as Result } from './cli-process.js';
import { REPO_ROOT, sqliteConfig, startServerProcess, type ServerProcess } from './server-process.js';

// The `provisioning` binary, one process per command, against real server processes: what the
// platform's scripts see (stdout, stderr, exit code) is what these tests check.


/** shared/fixtures/sops beside the repository, found by walking up (as packages/sops's tests do). */
function sopsFixtures(): string {
  if (process.env['SOPS_FIXTURES']) return process.env['SOPS_FIXTURES'];
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'fixtures', 'sops');
    if (existsSync(join(candidate, 'keys.txt'))) return candidate;
    if (dirname(dir) === dir) throw new Error('shared/fixtures/sops not found beside the repository; set SOPS_FIXTURES');
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const FIXTURES = sopsFixtures();
const KEYS = join(FIXTURES, 'keys.txt');

describe('provisioning against a dev server', () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  let vault: VaultClient;
  const dir = mkdtempSync(join(tmpdir(), 'provisioning-e2e-'));

  before(async () => {
    server = await startServerProcess(['--dev', '--dev-listen-address', '127.0.0.1:0', '--dev-root-token-id', 'T']);
    env = { VAULT_ADDR: server.url, VAULT_TOKEN: 'T' };
    vault = new VaultClient({ address: server.url, token: 'T' });
  });
  after(() => server.stop());

  it('the seed\'s integration script: set, get, rotate creates version 2', async () => {
    assert.match(ok(await provisioning(['secrets', 'set', 'test/secret', '--value', 'test-value'], env)), /version 1/);
    assert.equal(ok(await provisioning(['secrets', 'get', 'test/secret'], env)), 'test-value\n');
    assert.match(ok(await provisioning(['secrets', 'rotate', 'test/secret'], env)), /version 2/);
    const metadata = await vault.kv().readMetadata('test/secret');
    assert.equal(metadata.data.current_version, 2);
    assert.deepEqual((await vault.kv().get('test/secret', { version: 1 })).data.data, { value: 'test-value' }, 'the old version is kept');
    const rotated = JSON.parse(ok(await provisioning(['secrets', 'get', 'test/secret', '--format', 'json'], env))) as { value: string; version: number };
    assert.equal(rotated.version, 2);
    assert.notEqual(rotated.value, 'test-value');
    assert.match(rotated.value, /^[A-Za-z0-9_-]{43}$/);
  });

  it('the seed\'s integration script: db-creds postgres-readonly | jq .username starts with "v-', async () => {
    // The database engine (type `database`, PostgreSQL on 127.0.0.1:5432, user postgres, trust
    // auth) is configured through the HTTP API, as an operator would.
    await vault.sys.enableMount('database', { type: 'database' });
    await vault.database().configureConnection('postgres', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres?sslmode=disable',
      username: 'postgres',
      password: 'postgres',
      allowed_roles: ['postgres-readonly'],
    });
    await vault.database().writeRole('postgres-readonly', {
      db_name: 'postgres',
      creation_statements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
      ],
      default_ttl: '1h',
      max_ttl: '24h',
    });
    const piped = await runProcess('bash', ['-c', `"${process.execPath}" "${PROVISIONING_BIN}" secrets db-creds postgres-readonly | jq '.username'`], env);
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /^"v-/);

    const creds = JSON.parse(ok(await provisioning(['secrets', 'db-creds', 'postgres-readonly'], env))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(creds).sort(), ['lease_duration', 'lease_id', 'password', 'username']);
    const leaseId = String(creds['lease_id']);
    const renewed = JSON.parse(ok(await provisioning(['secrets', 'lease', 'renew', leaseId, '--format', 'json'], env))) as { lease_id: string };
    assert.equal(renewed.lease_id, leaseId);
    assert.match(ok(await provisioning(['secrets', 'lease', 'revoke', leaseId], env)), /Revoked/);
  });

  it('set from stdin and --file, list, rollback', async () => {
    ok(await provisioning(['secrets', 'set', 'app/a'], env, 'from-stdin\n'));
    assert.equal(ok(await provisioning(['secrets', 'get', 'app/a'], env)), 'from-stdin\n');
    const file = join(dir, 'value.txt');
    writeFileSync(file, 'from-file');
    ok(await provisioning(['secrets', 'set', 'app/b', '--file', file], env));
    ok(await provisioning(['secrets', 'set', 'app/b', '--value', 'second'], env));
    assert.deepEqual(JSON.parse(ok(await provisioning(['secrets', 'list', 'app', '--format', 'json'], env))), ['a', 'b']);
    assert.match(ok(await provisioning(['secrets', 'rollback', 'app/b', '--version', '1'], env)), /Restored version 1 of app\/b as version 3/);
    assert.equal(ok(await provisioning(['secrets', 'get', 'app/b'], env)), 'from-file\n');
    await vault.kv().put('app/multi', { user: 'u', password: 'p' });
    assert.equal(ok(await provisioning(['secrets', 'get', 'app/multi'], env)), '{"user":"u","password":"p"}\n');
  });

  it('exit codes scripts can rely on', async () => {
    fails(await provisioning(['secrets', 'get', 'nothing/here'], env), 3, /^Error reading `nothing\/here`: not found$/);
    fails(await provisioning(['secrets', 'rollback', 'app/b', '--version', '99'], env), 3, /rolling back/);
    fails(await provisioning(['secrets', 'get', 'app/a'], { ...env, VAULT_TOKEN: 'wrong' }), 4, /permission denied/);
    fails(await provisioning(['secrets', 'get', 'app/a'], { ...env, VAULT_ADDR: `http://127.0.0.1:${await closedPort()}` }), 5, /cannot reach/);
    fails(await provisioning(['secrets', 'set', 'x', '--value', 'a', '--file', 'f'], env), 2, /either `--value` or `--file`/);
    fails(await provisioning(['secrets', 'rollback', 'app/b'], env), 2, /--version/);
    fails(await provisioning(['secrets', 'nope'], env), 2, /unknown command/);
  });

  it('migrate: every real SOPS fixture, idempotent on re-run', async () => {
    const keyEnv = { ...env, SOPS_AGE_KEY_FILE: KEYS };
    const expected: Record<string, [number, string, string]> = {
      'example.yaml': [16, 'app2/db/password', 'c4r1b0u'],
      'example.json': [12, 'phoneNumbers/1/number', '646 555-4567'],
      'example.ini': [10, 'not private/notsecret_unencrypted', 'hi there!'],
      'example.txt': [1, 'data', 'Welcome to SOPS!\n\nSOPS is a manager'],
    };
    for (const [name, [count, path, value]] of Object.entries(expected)) {
      const prefix = `migrated/${name.replace('.', '-')}`;
      const first = JSON.parse(ok(await provisioning(['secrets', 'migrate', '--from-sops', join(FIXTURES, name), '--prefix', prefix, '--format', 'json'], keyEnv))) as Record<string, number>;
      assert.deepEqual([first['created'], first['updated'], first['unchanged']], [count, 0, 0], name);
      const got = (await vault.kv().get<{ value: string }>(`${prefix}/${path}`)).data.data!.value;
      assert.ok(got.startsWith(value), `${name}: ${path}`);
      const again = JSON.parse(ok(await provisioning(['secrets', 'migrate', '--from-sops', join(FIXTURES, name), '--prefix', prefix, '--format', 'json'], keyEnv))) as Record<string, number>;
      assert.deepEqual([again['created'], again['updated'], again['unchanged']], [0, 0, count], `${name} re-run`);
      assert.equal((await vault.kv().readMetadata(`${prefix}/${path}`)).data.current_version, 1, 'no new version on re-run');
    }
    // Types as text; a changed value gets a new version on the next run.
    assert.equal(ok(await provisioning(['secrets', 'get', 'migrated/example-yaml/somebooleans/0'], env)), 'true\n');
    await vault.kv().put('migrated/example-yaml/myapp1', { value: 'changed by hand' });
    const summary = ok(await provisioning(['secrets', 'migrate', '--from-sops', join(FIXTURES, 'example.yaml'), '--prefix', 'migrated/example-yaml', '--age-key-file', KEYS], env));
    assert.match(summary, /16 secrets from .*: 0 created, 1 updated, 15 unchanged\n$/);
    assert.doesNotMatch(summary, /c4r1b0u|t00m4nys3cr3tzupdated/, 'the summary never prints values');
  });

  it('migrate --dry-run writes nothing; a tampered file is refused and nothing is written', async () => {
    const dry = ok(await provisioning(['secrets', 'migrate', '--from-sops', join(FIXTURES, 'example.json'), '--prefix', 'dry', '--dry-run', '--age-key-file', KEYS], env));
    assert.match(dry, /Dry run: 12 secrets .*12 would be created/);
    assert.deepEqual(await vault.kv().list('dry'), []);

    const tampered = join(dir, 'tampered.yaml');
    writeFileSync(tampered, readFileSync(join(FIXTURES, 'example.yaml'), 'utf8').replace('remain in clear text', 'remain in clear texT'));
    fails(await provisioning(['secrets', 'migrate', '--from-sops', tampered, '--prefix', 'tampered', '--age-key-file', KEYS], env), 6, /mac mismatch/);
    assert.deepEqual(await vault.kv().list('tampered'), []);
    fails(await provisioning(['secrets', 'migrate', '--from-sops', join(FIXTURES, 'example.yaml')], env), 2, /no age key/);
  });

  it('render: Nickel and text templates, --out mode 0600, no partial output on a missing reference', async () => {
    await vault.kv().put('render/db', { value: 'p"w%{x}' });
    await vault.kv().put('render/multi', { user: 'eve', password: 'pw' });
    const ncl = join(dir, 'app.ncl');
    writeFileSync(ncl, '{ password = secrets.get "render/db", user = "{{ secret "render/multi" "user" }}" }\n');
    assert.equal(ok(await provisioning(['secrets', 'render', ncl], env)), '{ password = "p\\"w\\%{x}", user = "eve" }\n');
    const out = join(dir, 'app.rendered');
    ok(await provisioning(['secrets', 'render', ncl, '--out', out], env));
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.match(readFileSync(out, 'utf8'), /user = "eve"/);

    const tmpl = join(dir, 'conf.tmpl');
    writeFileSync(tmpl, 'a={{ secret "render/multi" "password" }}\nb={{ secret "render/missing" }}\n');
    const missingOut = join(dir, 'conf.out');
    fails(await provisioning(['secrets', 'render', tmpl, '--out', missingOut], env), 3, /cannot resolve 1 reference: `render\/missing`/);
    assert.equal(existsSync(missingOut), false);
    const stdoutRun = await provisioning(['secrets', 'render', tmpl], env);
    assert.equal(stdoutRun.stdout, '', 'nothing on stdout either');
  });

  it('failover and cache through the SDK: first address closed, repeated reads cost one request', async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const client = new VaultClient({ addresses: [`http://127.0.0.1:${await closedPort()}`, server.url], token: 'T', fetch: counting, cache: { ttl: 60 } });
    await client.kv().put('cached/one', { value: 'v1' });
    requests = 0;
    for (let i = 0; i < 5; i++) assert.deepEqual((await client.kv().get('cached/one')).data.data, { value: 'v1' });
    assert.equal(requests, 1);
    await client.kv().put('cached/one', { value: 'v2' });
    assert.deepEqual((await client.kv().get('cached/one')).data.data, { value: 'v2' }, 'own writes invalidate');
    assert.equal(client.address, server.url);
  });

  it('provisioning with a [secrets] TOML: two addresses, the first closed', async () => {
    const config = join(dir, 'platform.toml');
    writeFileSync(config, `[secrets]\nprovider = "secretum-vault"\nvault_addr = ["http://127.0.0.1:${await closedPort()}", "${server.url}"]\nvault_mount = "secret"\n[secrets.cache]\nenabled = true\nttl = "1m"\n`);
    assert.equal(ok(await provisioning(['--config', config, 'secrets', 'get', 'app/a'], { VAULT_TOKEN: 'T' })), 'from-stdin\n');
    assert.equal(ok(await provisioning(['secrets', 'get', 'app/a'], { VAULT_TOKEN: 'T', PROVISIONING_CONFIG: config })), 'from-stdin\n');
  });
});

describe('provisioning with the server down and a SOPS fallback', () => {
  it('get returns the SOPS value and warns', async () => {
    const server = await startServerProcess(['--dev', '--dev-listen-address', '127.0.0.1:0', '--dev-root-token-id', 'T']);
    const address = server.url;
    await new VaultClient({ address, token: 'T' }).kv().put('app2/db/password', { value: 'from-vault' });
    const dir = mkdtempSync(join(tmpdir(), 'provisioning-fallback-'));
    const config = join(dir, 'platform.toml');
    writeFileSync(config, `[secrets]\nvault_addr = "${address}"\n[secrets.fallback]\nsops = "${join(FIXTURES, 'example.yaml')}"\nage_key_file = "${KEYS}"\n`);
    assert.equal(ok(await provisioning(['--config', config, 'secrets', 'get', 'app2/db/password'], { VAULT_TOKEN: 'T' })), 'from-vault\n');
    await server.stop();

    const r = await provisioning(['--config', config, 'secrets', 'get', 'app2/db/password'], { VAULT_TOKEN: 'T' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'c4r1b0u\n');
    assert.match(r.stderr, /^Warning: vault unavailable .*served read-only from sops file/);
    assert.doesNotMatch(r.stderr, /c4r1b0u/);
    // Writes are never answered from the file.
    fails(await provisioning(['--config', config, 'secrets', 'set', 'app2/db/password', '--value', 'x'], { VAULT_TOKEN: 'T' }), 5, /cannot reach/);
  });
});

describe('provisioning vault init, unseal, status, seal', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess(['--config', sqliteConfig().config]);
  });
  after(() => server.stop());

  it('initialises with 5 shares and threshold 3, unseals with 3 of them from stdin, seals', async () => {
    const env = { VAULT_ADDR: server.url };
    const init = JSON.parse(ok(await provisioning(['vault', 'init', '--key-shares', '5', '--key-threshold', '3', '--format', 'json'], env))) as InitResponse;
    assert.equal(init.keys_base64.length, 5);
    const sealed = await provisioning(['vault', 'status'], env);
    assert.equal(sealed.code, 5);
    assert.match(sealed.stdout, /Sealed\s+true/);
    for (const key of init.keys_base64.slice(0, 3)) ok(await provisioning(['vault', 'unseal'], env, `${key}\n`));
    const status = JSON.parse(ok(await provisioning(['vault', 'status', '--format', 'json'], env))) as { sealed: boolean; t: number; n: number };
    assert.deepEqual([status.sealed, status.t, status.n], [false, 3, 5]);
    assert.match(ok(await provisioning(['vault', 'seal'], { ...env, VAULT_TOKEN: init.root_token })), /sealed/);
    assert.equal((await provisioning(['vault', 'status'], env)).code, 5);
    fails(await provisioning(['vault', 'init', '--key-shares', '2', '--key-threshold', '3'], env), 2, /cannot exceed/);
  });
});
