import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fails, ok, secretum, type CliResult } from './cli-process.js';
import { sqliteConfig, startServerProcess, type ServerProcess } from './server-process.js';

// The real `secretum` binary, one process per command, against a real server process: what a
// shell script sees (stdout, stderr, exit code) is what these tests check.

/** Parses `-format=json` output. */
function json<T = any>(r: CliResult): T {
  return JSON.parse(ok(r)) as T;
}

/** A loopback port that nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// The timeout only catches a hang: every step spawns a Node process (~0.3 s on a quiet machine,
// several seconds on a loaded one), so the suite takes ~20 s quietly and over 150 s under load.
describe('the secretum CLI against a real server process (SQLite storage)', { timeout: 360_000 }, () => {
  let server: ServerProcess;
  let keys: string[] = [];
  let root = '';
  /** Runs the CLI as `token` (the root token unless given). */
  const cli = (args: readonly string[], token = root, stdin?: string): Promise<CliResult> =>
    secretum(args, { VAULT_ADDR: server.url, VAULT_TOKEN: token }, stdin);

  before(async () => {
    const { config } = sqliteConfig();
    server = await startServerProcess(['--config', config]);
  });
  after(async () => server?.stop());

  it('initialises with 5 shares and threshold 3, then unseals with three distinct keys', async () => {
    const fresh = await cli(['operator', 'status']);
    assert.equal(fresh.code, 2);
    assert.match(fresh.stdout, /^Initialized\s+false$/m);

    const init = ok(await cli(['operator', 'init', '-key-shares=5', '-key-threshold=3']));
    keys = [...init.matchAll(/^Unseal Key (\d): (\S+)$/gm)].map((m) => m[2]!);
    assert.equal(keys.length, 5);
    assert.equal(new Set(keys).size, 5);
    root = /^Initial Root Token: (s\.\S+)$/m.exec(init)?.[1] ?? '';
    assert.match(root, /^s\.\w+$/);
    assert.match(init, /initialized with 5 key shares and a key threshold of 3/);
    fails(await cli(['operator', 'init']), 1, /^Error initializing: .*already initialized.*\(400\)$/m);

    const sealed = await cli(['operator', 'status']);
    assert.equal(sealed.code, 2, sealed.stderr);
    assert.equal(sealed.stderr, '');
    assert.match(sealed.stdout, /^Sealed\s+true$/m);
    assert.match(sealed.stdout, /^Unseal Progress\s+0\/3$/m);
    fails(await cli(['kv', 'get', 'secret/x']), 1, /Vault is sealed \(503\)/);
    fails(await cli(['operator', 'unseal', 'AAAA']), 1, /^Error unsealing: invalid key.*\(400\)$/);

    assert.match(ok(await cli(['operator', 'unseal', keys[0]!])), /^Unseal Progress\s+1\/3$/m);
    // a repeated share does not advance progress
    assert.match(ok(await cli(['operator', 'unseal', keys[0]!])), /^Unseal Progress\s+1\/3$/m);
    assert.match(ok(await cli(['operator', 'unseal', keys[2]!])), /^Unseal Progress\s+2\/3$/m);
    const unsealed = ok(await cli(['operator', 'unseal', keys[4]!]));
    assert.match(unsealed, /^Sealed\s+false$/m);
    assert.doesNotMatch(unsealed, /Unseal Progress/);

    assert.match(ok(await cli(['operator', 'status'])), /^Sealed\s+false$/m);
    const status = json(await cli(['status', '-format=json']));
    assert.deepEqual([status.initialized, status.sealed, status.t, status.n, status.progress], [true, false, 3, 5, 0]);
  });

  it('prints init as JSON, and unseals from stdin and with hex keys', async () => {
    const { config } = sqliteConfig();
    const other = await startServerProcess(['--config', config]);
    try {
      const run = (args: string[], stdin?: string) => secretum(args, { VAULT_ADDR: other.url }, stdin);
      const init = json(await run(['operator', 'init', '-key-shares=3', '-key-threshold=2', '-format=json']));
      assert.deepEqual(Object.keys(init).sort(), ['keys', 'keys_base64', 'root_token']);
      assert.equal(init.keys.length, 3);
      assert.equal(init.keys_base64.length, 3);
      for (const k of init.keys) assert.match(k, /^[0-9a-f]+$/);
      assert.match(init.root_token, /^s\./);
      // `operator unseal` without KEY reads the first line of stdin when it is not a terminal
      const first = json(await run(['operator', 'unseal', '-format=json'], `${init.keys_base64[1]}\n`));
      assert.deepEqual([first.sealed, first.progress, first.t], [true, 1, 2]);
      const second = json(await run(['operator', 'unseal', '-format=json', init.keys[2]]));
      assert.deepEqual([second.sealed, second.progress], [false, 0]);
      fails(await run(['operator', 'key-threshold']), 2, /^Error: unknown command `key-threshold`/);
    } finally {
      await other.stop();
    }
  });

  it('enables KV v2 and lists it', async () => {
    assert.equal(ok(await cli(['secrets', 'enable', '-path=secret', '-version=2', 'kv'])), 'Success! Enabled the kv secrets engine at: secret/\n');
    fails(await cli(['secrets', 'enable', '-path=secret', 'kv']), 1, /^Error enabling kv at secret\/: .*already in use.*\(400\)$/);
    const mounts = json(await cli(['secrets', 'list', '-format=json']));
    assert.equal(mounts['secret/'].type, 'kv');
    assert.equal(mounts['secret/'].options.version, '2');
    assert.match(ok(await cli(['secrets', 'list'])), /^secret\/\s+kv \(v2\)\s+kv_\w+\s+n\/a$/m);
  });

  it('round-trips KV v2 versions with check-and-set, patch, list, delete, undelete and destroy', async () => {
    assert.match(ok(await cli(['kv', 'put', 'secret/app/db', 'password=p1'])), /^version\s+1$/m);
    const v2 = ok(await cli(['kv', 'put', '-cas=1', 'secret/app/db', 'password=p2']));
    assert.match(v2, /^== Secret Path ==\nsecret\/data\/app\/db\n/);
    assert.match(v2, /^version\s+2$/m);
    assert.match(v2, /^deletion_time\s+n\/a$/m);
    fails(await cli(['kv', 'put', '-cas=1', 'secret/app/db', 'password=p3']), 1, /^Error writing secret\/data\/app\/db: check-and-set.*\(400\)$/);

    const latest = ok(await cli(['kv', 'get', 'secret/app/db']));
    assert.match(latest, /== Data ==\nKey\s+Value\n---\s+-----\npassword\s+p2\n$/);
    assert.match(ok(await cli(['kv', 'get', '-version=1', 'secret/app/db'])), /^password\s+p1$/m);
    assert.equal(ok(await cli(['kv', 'get', '-field=password', 'secret/app/db'])), 'p2\n');
    assert.equal(ok(await cli(['kv', 'get', '-mount=secret', '-field=password', 'app/db'])), 'p2\n');
    const got = json(await cli(['kv', 'get', '-format=json', 'secret/app/db']));
    assert.deepEqual(got.data.data, { password: 'p2' });
    assert.equal(got.data.metadata.version, 2);
    fails(await cli(['kv', 'get', '-field=nope', 'secret/app/db']), 2, /^Error: field `nope` not present/);

    assert.match(ok(await cli(['kv', 'patch', 'secret/app/db', 'user=app'])), /^version\s+3$/m);
    assert.deepEqual(json(await cli(['kv', 'get', '-format=json', 'secret/app/db'])).data.data, { password: 'p2', user: 'app' });

    ok(await cli(['kv', 'put', 'secret/app/api', 'token=t']));
    assert.equal(ok(await cli(['kv', 'list', 'secret/app'])), 'Keys\n----\napi\ndb\n');
    assert.deepEqual(json(await cli(['kv', 'list', '-format=json', 'secret/app'])), ['api', 'db']);
    assert.deepEqual(json(await cli(['kv', 'list', '-format=json', 'secret'])), ['app/']);
    fails(await cli(['kv', 'list', 'secret/none']), 2, /^No value found at secret\/metadata\/none$/);

    assert.equal(ok(await cli(['kv', 'delete', 'secret/app/db'])), 'Success! Data deleted (if it existed) at: secret/data/app/db\n');
    fails(await cli(['kv', 'get', 'secret/app/db']), 2, /^No value found at secret\/data\/app\/db$/);
    assert.equal(ok(await cli(['kv', 'get', '-version=2', '-field=password', 'secret/app/db'])), 'p2\n');
    ok(await cli(['kv', 'undelete', '-versions=3', 'secret/app/db']));
    assert.equal(ok(await cli(['kv', 'get', '-field=user', 'secret/app/db'])), 'app\n');
    fails(await cli(['kv', 'undelete', 'secret/app/db']), 2, /^Error: required option `--versions <list>` not specified/);

    assert.equal(ok(await cli(['kv', 'destroy', '-versions=1', 'secret/app/db'])), 'Success! Data destroyed (if it existed) at: secret/destroy/app/db\n');
    fails(await cli(['kv', 'get', '-version=1', 'secret/app/db']), 2, /^No value found at secret\/data\/app\/db$/);

    const meta = json(await cli(['kv', 'metadata', 'get', '-format=json', 'secret/app/db']));
    assert.equal(meta.data.current_version, 3);
    assert.deepEqual(
      Object.entries(meta.data.versions as Record<string, { destroyed: boolean; deletion_time: string }>).map(([v, i]) => [v, i.destroyed, i.deletion_time]),
      [
        ['1', true, ''],
        ['2', false, ''],
        ['3', false, ''],
      ],
    );
    const table = ok(await cli(['kv', 'metadata', 'get', 'secret/app/db']));
    assert.match(table, /^current_version\s+3$/m);
    assert.match(table, /^1\s+\S+\s+n\/a\s+true$/m);
    fails(await cli(['kv', 'metadata', 'get', 'secret/app/none']), 2, /^No value found at secret\/metadata\/app\/none$/);
  });

  it('reads values from stdin and from files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secretum-cli-'));
    ok(await cli(['kv', 'put', 'secret/in/stdin', 'password=-'], root, 's3cr3t\n'));
    assert.equal(ok(await cli(['kv', 'get', '-field=password', 'secret/in/stdin'])), 's3cr3t\n');

    const pem = join(dir, 'cert.pem');
    writeFileSync(pem, '-----BEGIN X-----\nline two\n');
    ok(await cli(['kv', 'put', 'secret/in/file', `cert=@${pem}`, 'plain=v']));
    assert.deepEqual(json(await cli(['kv', 'get', '-format=json', 'secret/in/file'])).data.data, {
      cert: '-----BEGIN X-----\nline two\n',
      plain: 'v',
    });

    const body = join(dir, 'body.json');
    writeFileSync(body, '{"n":1,"s":"x"}');
    ok(await cli(['kv', 'put', 'secret/in/json', `@${body}`]));
    ok(await cli(['kv', 'patch', 'secret/in/json', '-'], root, '{"t":true}'));
    assert.deepEqual(json(await cli(['kv', 'get', '-format=json', 'secret/in/json'])).data.data, { n: 1, s: 'x', t: true });

    fails(await cli(['kv', 'put', 'secret/in/x', `k=@${join(dir, 'missing')}`]), 2, /^Error: cannot read file `.*missing`$/);
    fails(await cli(['kv', 'put', 'secret/in/x', 'a=-', 'b=-'], root, 'once'), 2, /^Error: stdin \(`-`\) can only be used once$/);
    fails(await cli(['kv', 'put', 'secret/in/x']), 2, /^Error: no data given/);
  });

  it('builds a token tree and revokes it from the top', async () => {
    const t1Reply = json(await cli(['token', 'create', '-policy=root', '-ttl=1h', '-format=json']));
    const t1 = t1Reply.auth.client_token as string;
    assert.deepEqual(t1Reply.auth.policies, ['root']);
    assert.equal(t1Reply.auth.lease_duration, 3600);

    const create = async (parent: string, args: string[]) => ok(await cli(['token', 'create', '-field=token', ...args], parent)).trim();
    const t2 = await create(t1, ['-policy=dev']);
    // until Cedar policies land only root tokens create tokens, and a child of an expiring root needs a ttl
    fails(await cli(['token', 'create', '-policy=root'], t1), 1, /^Error creating token: .*non-expiring root.*\(400\)$/);
    const t3 = await create(t1, ['-policy=root', '-ttl=30m']);
    const t4 = await create(t3, ['-policy=dev', '-policy=ops']);
    assert.equal(new Set([root, t1, t2, t3, t4]).size, 5);

    const self = json(await cli(['token', 'lookup', '-format=json'], t4));
    assert.equal(self.data.id, t4);
    assert.deepEqual(self.data.policies, ['default', 'dev', 'ops']);
    const byRoot = ok(await cli(['token', 'lookup', t3]));
    assert.match(byRoot, /^policies\s+\[root\]$/m);
    assert.match(byRoot, /^creation_ttl\s+1800$/m);
    const created = ok(await cli(['token', 'create', '-policy=dev'], t3));
    assert.match(created, /^token_policies\s+\[default dev\]$/m);

    assert.equal(ok(await cli(['token', 'revoke', t1])), 'Success! Revoked token (if it existed)\n');
    for (const t of [t1, t2, t3, t4]) {
      fails(await cli(['token', 'lookup'], t), 1, /^Error looking up token: permission denied \(403\)$/);
    }
    // the token that made the tree is untouched
    assert.ok(json(await cli(['token', 'lookup', '-format=json'])).data.policies.includes('root'));
    fails(await cli(['token', 'revoke']), 2, /^Error: give the token to revoke, or -self$/);
  });

  it('wraps a response with -wrap-ttl and unwraps it exactly once', async () => {
    const wrapped = ok(await cli(['write', '-wrap-ttl=60s', 'sys/wrapping/wrap', 'v=w-1']));
    assert.match(wrapped, /^wrapping_token_ttl\s+60$/m);
    assert.match(wrapped, /^wrapping_token_creation_path\s+sys\/wrapping\/wrap$/m);
    const token = /^wrapping_token\s+(\S+)$/m.exec(wrapped)?.[1] ?? '';
    assert.match(token, /^s\./);
    // the wrapping token is the caller: `unwrap` with no argument
    assert.match(ok(await cli(['unwrap'], token)), /^v\s+w-1$/m);
    fails(await cli(['unwrap'], token), 1, /^Error unwrapping: .*\((400|403)\)$/);
    fails(await cli(['write', 'sys/wrapping/wrap', 'v=x']), 1, /requires response wrapping/);

    // a wrapped KV read, unwrapped by another token passing the wrapping token as an argument
    const readToken = ok(await cli(['read', '-wrap-ttl=2m', '-field=wrapping_token', 'secret/data/app/db'])).trim();
    const unwrapped = json(await cli(['unwrap', '-format=json', readToken]));
    assert.deepEqual(unwrapped.data.data, { password: 'p2', user: 'app' });
    fails(await cli(['unwrap', readToken]), 1, /^Error unwrapping: .*\(400\)$/);
  });

  it('seals: every request fails with 503 until unsealed, then the data is back', async () => {
    assert.equal(ok(await cli(['operator', 'seal'])), 'Success! Vault is sealed.\n');
    fails(await cli(['kv', 'get', 'secret/app/db']), 1, /^Error reading secret\/data\/app\/db: Vault is sealed \(503\)$/);
    fails(await cli(['kv', 'put', 'secret/app/db', 'password=x']), 1, /Vault is sealed \(503\)/);
    assert.equal((await cli(['status'])).code, 2);
    for (const k of keys.slice(1, 4)) ok(await cli(['operator', 'unseal', k]));
    assert.match(ok(await cli(['status'])), /^Sealed\s+false$/m);
    assert.equal(ok(await cli(['kv', 'get', '-field=password', 'secret/app/db'])), 'p2\n');
  });

  it('rotates the barrier key to term 2 and keeps the data readable', async () => {
    assert.equal(json(await cli(['operator', 'key-status', '-format=json'])).term, 1);
    const rotated = ok(await cli(['operator', 'rotate']));
    assert.match(rotated, /^Success! Rotated key$/m);
    assert.match(rotated, /^Key Term\s+2$/m);
    assert.match(ok(await cli(['operator', 'key-status'])), /^Key Term\s+2$/m);
    assert.equal(json(await cli(['operator', 'key-status', '-format=json'])).term, 2);
    ok(await cli(['kv', 'put', 'secret/app/after-rotate', 'k=v']));
    assert.equal(ok(await cli(['kv', 'get', '-field=password', 'secret/app/db'])), 'p2\n');
    assert.equal(ok(await cli(['kv', 'get', '-field=k', 'secret/app/after-rotate'])), 'v\n');
  });

  it('reports usage errors with exit 2 on one line', async () => {
    fails(await cli(['frobnicate']), 2, /^Error: unknown command `frobnicate`; see `secretum --help`$/);
    fails(await cli(['sttus']), 2, /^Error: unknown command `sttus` \(did you mean status\?\)/);
    fails(await cli(['kv', 'get', '-bogus', 'secret/app/db']), 2, /^Error: unknown option `--bogus`; see `secretum kv get --help`$/);
    fails(await cli(['kv', 'get']), 2, /^Error: missing required argument `path`/);
    fails(await cli(['kv', 'get', '-version=abc', 'secret/app/db']), 2, /^Error: `-version` must be an integer/);
    fails(await cli(['kv', 'get', '-format=xml', 'secret/app/db']), 2, /^Error: `-format` must be "table", "json" or "yaml", got `xml`$/);
    fails(await cli(['kv', 'destroy', '-versions=a', 'secret/app/db']), 2, /^Error: `-versions` must be/);
    fails(await cli(['kv', 'get', 'secret']), 2, /^Error: no secret path in `secret`$/);
    fails(await secretum(['status'], { VAULT_ADDR: 'not-a-url' }), 2, /^Error: VAULT_ADDR must be an http\(s\) URL, got `not-a-url`$/);
    fails(await secretum(['status', '-address=ftp://x'], {}), 2, /^Error: `-address` must be an http\(s\) URL/);
  });

  it('reports a refused connection and a bad token with exit 1 on one line', async () => {
    const port = await closedPort();
    const refused = await secretum(['kv', 'get', 'secret/app/db'], { VAULT_ADDR: `http://127.0.0.1:${port}`, VAULT_TOKEN: root });
    fails(refused, 1, new RegExp(`^Error reading secret/data/app/db: cannot reach http://127\\.0\\.0\\.1:${port}: ECONNREFUSED$`));
    fails(await secretum(['status'], { VAULT_ADDR: `http://127.0.0.1:${port}` }), 1, /^Error checking seal status: cannot reach .*ECONNREFUSED$/);

    fails(await cli(['kv', 'get', 'secret/app/db'], 's.not-a-token'), 1, /^Error reading secret\/data\/app\/db: permission denied \(403\)$/);
    fails(await cli(['kv', 'put', 'secret/app/db', 'password=x'], ''), 1, /permission denied \(403\)$/);
    fails(await cli(['token', 'lookup'], 's.not-a-token'), 1, /^Error looking up token: permission denied \(403\)$/);
    // the refused and denied calls changed nothing
    assert.equal(ok(await cli(['kv', 'get', '-field=password', 'secret/app/db'])), 'p2\n');
  });
});
