import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { parseServerConfig } from '../../config/server-config.js';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import { createVault, type Vault } from '../../server.js';
import { pgLogin, startScramPostgres, TcpProxy } from './db-test-support.js';

/**
 * The database engine through the real pipeline against a real PostgreSQL 15 that enforces
 * scram-sha-256 passwords: leases revoked on request, at expiry, after a restart and after an
 * outage; 10 concurrent requests; hostile names; a creation that fails halfway.
 */
const cluster = await startScramPostgres();
after(() => cluster?.stop());
const skip = cluster ? false : 'PostgreSQL 15 binaries not available';

const CREATE = [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON granted TO "{{name}}"`];

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = cluster!.admin();
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}
const roleExists = async (name: string) => (await sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).length > 0;

async function configure(vault: Vault, port = cluster!.port, token?: string, extra: Record<string, unknown> = {}) {
  const res = await send(vault, 'update', 'database/config/pg', {
    ...(token !== undefined && { token }),
    body: {
      plugin_name: 'postgresql-database-plugin',
      connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${port}/postgres`,
      username: 'postgres',
      password: cluster!.superPassword,
      allowed_roles: '*',
      username_template: '',
      ...extra,
    },
  });
  assert.equal(res.status, 204, JSON.stringify(res.body));
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

describe('database engine on PostgreSQL through the pipeline', { skip }, () => {
  let vault: Vault;
  before(async () => {
    await sql('CREATE TABLE IF NOT EXISTS granted (x int); CREATE TABLE IF NOT EXISTS canary (x int); TRUNCATE granted; INSERT INTO granted VALUES (42)');
    vault = await devVault();
    assert.equal((await send(vault, 'update', 'sys/mounts/database', { body: { type: 'database' } })).status, 204);
    await configure(vault);
    const role = await send(vault, 'update', 'database/roles/readonly', { body: { db_name: 'pg', creation_statements: CREATE, default_ttl: '1h', max_ttl: '2h' } });
    assert.equal(role.status, 204);
  });
  after(() => vault?.close());

  it('never returns the password, and lists connections', async () => {
    const read = body(await send(vault, 'read', 'database/config/pg'));
    assert.equal(read.data.connection_details.username, 'postgres');
    assert.equal(JSON.stringify(read).includes(cluster!.superPassword), false);
    assert.deepEqual(body(await send(vault, 'list', 'database/config')).data.keys, ['pg']);
  });

  it('refuses a connection it cannot verify, with the driver message and without the password', async () => {
    const res = await send(vault, 'update', 'database/config/bad', {
      body: { plugin_name: 'postgresql-database-plugin', connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${cluster!.port}/postgres`, username: 'postgres', password: 'wrong-password-xyz' },
    });
    assert.equal(res.status, 400);
    const text = JSON.stringify(res.body);
    assert.match(text, /password authentication failed/);
    assert.equal(text.includes('wrong-password-xyz'), false);
  });

  it('generates a working user, and revoking the lease drops it', async () => {
    const res = body(await send(vault, 'read', 'database/creds/readonly'));
    assert.match(res.lease_id, /^database\/creds\/readonly\/[A-Za-z0-9_-]+$/);
    assert.equal(res.lease_duration, 3600);
    const { username, password } = res.data;
    assert.match(username, /^v-root-readonly-[A-Za-z0-9]{20}-\d+$/);
    assert.equal(await pgLogin(cluster!.port, username, password, 'SELECT x FROM granted'), true);
    assert.equal(await pgLogin(cluster!.port, username, password, 'SELECT x FROM canary'), false, 'only the granted table');
    assert.equal((await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: res.lease_id } })).status, 204);
    assert.equal(await pgLogin(cluster!.port, username, password), false);
    assert.equal(await roleExists(username), false);
  });

  it('revoking ends the user\'s open sessions and hands what it created to the engine user', async () => {
    await send(vault, 'update', 'database/roles/owner', {
      body: { db_name: 'pg', creation_statements: [...CREATE, `GRANT USAGE, CREATE ON SCHEMA public TO "{{name}}"`] },
    });
    const res = body(await send(vault, 'read', 'database/creds/owner'));
    const { username, password } = res.data;
    const session = new pg.Client({ host: '127.0.0.1', port: cluster!.port, user: username, password, database: 'postgres' });
    session.on('error', () => undefined);
    await session.connect();
    try {
      await session.query('CREATE TABLE made_by_lease (x int)');
      assert.equal((await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: res.lease_id } })).status, 204);
      assert.equal(await roleExists(username), false);
      await assert.rejects(session.query('SELECT 1'), 'the open session was ended');
      const owner = await sql<{ o: string }>("SELECT tableowner AS o FROM pg_tables WHERE tablename = 'made_by_lease'");
      assert.deepEqual(owner, [{ o: 'postgres' }]);
    } finally {
      await session.end().catch(() => undefined);
      await sql('DROP TABLE IF EXISTS made_by_lease');
    }
  });

  it('issues from a rewritten role and connection at once (cached records follow writes)', async () => {
    await send(vault, 'update', 'database/roles/rewritten', { body: { db_name: 'pg', creation_statements: CREATE, default_ttl: '1h' } });
    const first = body(await send(vault, 'read', 'database/creds/rewritten'));
    assert.equal(first.lease_duration, 3600);
    await send(vault, 'update', 'database/roles/rewritten', { body: { default_ttl: '30m' } });
    await configure(vault, cluster!.port, undefined, { username_template: '{{ printf "v-rw-%s" (random 8) }}' });
    const second = body(await send(vault, 'read', 'database/creds/rewritten'));
    assert.equal(second.lease_duration, 1800);
    assert.match(second.data.username, /^v-rw-[A-Za-z0-9]{8}$/);
    await configure(vault);
    await send(vault, 'update', 'database/roles/rewritten', { body: { db_name: 'nowhere' } });
    assert.equal((await send(vault, 'read', 'database/creds/rewritten')).status, 400, 'the role now names an unknown connection');
    await send(vault, 'delete', 'database/roles/rewritten');
    assert.equal((await send(vault, 'read', 'database/creds/rewritten')).status, 400, 'a deleted role is gone at once');
    await send(vault, 'update', 'sys/leases/revoke-prefix/database/creds/rewritten');
    assert.equal(await roleExists(first.data.username), false);
    assert.equal(await roleExists(second.data.username), false);
  });

  it('renews with ALTER ROLE … VALID UNTIL, within max_ttl', async () => {
    const res = body(await send(vault, 'read', 'database/creds/readonly'));
    const before = (await sql<{ v: Date }>('SELECT rolvaliduntil AS v FROM pg_roles WHERE rolname = $1', [res.data.username]))[0]!.v;
    const renewed = body(await send(vault, 'update', 'sys/leases/renew', { body: { lease_id: res.lease_id, increment: '90m' } }));
    assert.ok(renewed.lease_duration > 5300 && renewed.lease_duration <= 5400);
    const afterRenew = (await sql<{ v: Date }>('SELECT rolvaliduntil AS v FROM pg_roles WHERE rolname = $1', [res.data.username]))[0]!.v;
    assert.ok(afterRenew.getTime() - before.getTime() > 1700_000, 'valid-until moved by about 30 minutes');
    await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: res.lease_id } });
  });

  it('issues passwords from the connection\'s named password policy (sys/policies/password), which log in', async () => {
    const policy = 'length = 30\nrule "charset" { charset = "abcdefghijklmnopqrstuvwxyz" }\nrule "charset" {\n  charset = "0123456789"\n  min-chars = 5\n}';
    assert.equal((await send(vault, 'update', 'sys/policies/password/lower-digits', { body: { policy } })).status, 204);
    await configure(vault, cluster!.port, undefined, { password_policy: 'lower-digits' });
    assert.equal(body(await send(vault, 'read', 'database/config/pg')).data.password_policy, 'lower-digits');
    try {
      for (let i = 0; i < 5; i++) {
        const res = body(await send(vault, 'read', 'database/creds/readonly'));
        const { username, password } = res.data as { username: string; password: string };
        assert.match(password, /^[a-z0-9]{30}$/);
        assert.ok(password.replace(/\D/g, '').length >= 5, 'at least 5 digits');
        assert.equal(await pgLogin(cluster!.port, username, password, 'SELECT x FROM granted'), true);
        await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: res.lease_id } });
      }
      // Vault: a deleted (unknown) policy fails when a password is needed, with nothing created.
      assert.equal((await send(vault, 'delete', 'sys/policies/password/lower-digits')).status, 204);
      const users = async () => (await sql("SELECT 1 FROM pg_roles WHERE rolname LIKE 'v-root-readonly-%'")).length;
      const before = await users();
      const failed = await send(vault, 'read', 'database/creds/readonly');
      assert.equal(failed.status, 500);
      assert.deepEqual(body(failed).errors, ['failed to generate password: no password policy `lower-digits` found']);
      assert.equal(await users(), before);
    } finally {
      await configure(vault, cluster!.port, undefined, { password_policy: '' });
    }
  });

  it('drops a 3-second credential within 2 s after expiry without any call', async () => {
    await send(vault, 'update', 'database/roles/short', { body: { db_name: 'pg', creation_statements: CREATE, default_ttl: 3 } });
    const res = body(await send(vault, 'read', 'database/creds/short'));
    assert.equal(res.lease_duration, 3);
    const expiry = Date.now() + 3000;
    assert.equal(await roleExists(res.data.username), true);
    await sleep(expiry - Date.now());
    assert.equal(await waitFor(async () => !(await roleExists(res.data.username)), 2000), true);
  });

  it('serves 10 concurrent requests on one database with zero errors', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => send(vault, 'read', 'database/creds/readonly')));
    assert.deepEqual(results.map((r) => r.status), Array(10).fill(200));
    const names = results.map((r) => body(r).data.username as string);
    assert.equal(new Set(names).size, 10);
    for (const n of names) assert.equal(await roleExists(n), true);
    assert.equal((await send(vault, 'update', 'sys/leases/revoke-prefix/database/creds/readonly')).status, 204);
    for (const n of names) assert.equal(await roleExists(n), false);
  });

  it('keeps hostile role names and usernames inside their quotes', async () => {
    // The pipeline refuses backslashes in paths; the template adds one to the username.
    await configure(vault, cluster!.port, undefined, { username_template: '{{ printf "v-%s-\\\\%s" .RoleName (random 6) }}' });
    const hostile = `x'"; DROP TABLE canary; --\`y`;
    const path = `database/roles/${hostile}`;
    assert.equal((await send(vault, 'update', path, { body: { db_name: 'pg', creation_statements: CREATE } })).status, 204);
    const res = body(await send(vault, 'read', `database/creds/${hostile}`));
    assert.ok(res.data.username.startsWith(`v-${hostile}-\\`), res.data.username);
    assert.equal(await pgLogin(cluster!.port, res.data.username, res.data.password, 'SELECT x FROM granted'), true);
    assert.equal((await sql("SELECT to_regclass('canary') AS t"))[0]!['t'], 'canary');
    await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: res.lease_id } });
    assert.equal(await roleExists(res.data.username), false);
    assert.equal((await sql("SELECT to_regclass('canary') AS t"))[0]!['t'], 'canary');
  });

  it('leaves no user behind when a creation statement fails halfway, and runs the rollback statements', async () => {
    await configure(vault);
    await sql('CREATE TABLE IF NOT EXISTS rollback_log (n text)');
    await send(vault, 'update', 'database/roles/halfway', {
      body: {
        db_name: 'pg',
        creation_statements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}'`, `GRANT SELECT ON no_such_table TO "{{name}}"`],
        rollback_statements: [`INSERT INTO rollback_log VALUES ('{{name}}')`],
      },
    });
    const before = (await sql<{ n: string }>("SELECT count(*)::text AS n FROM pg_roles WHERE rolname LIKE 'v-root-halfway%'"))[0]!.n;
    const res = await send(vault, 'read', 'database/creds/halfway');
    assert.equal(res.status, 500);
    assert.match(JSON.stringify(res.body), /no_such_table/);
    const afterFail = (await sql<{ n: string }>("SELECT count(*)::text AS n FROM pg_roles WHERE rolname LIKE 'v-root-halfway%'"))[0]!.n;
    assert.equal(afterFail, before);
    const logged = await sql<{ n: string }>('SELECT n FROM rollback_log');
    assert.equal(logged.length, 1);
    assert.match(logged[0]!.n, /^v-root-halfway-/);
  });

  it('retries a revocation while the database is unreachable and revokes it when it returns', { timeout: 30_000 }, async () => {
    const proxy = new TcpProxy(cluster!.port);
    await proxy.open();
    try {
      await send(vault, 'update', 'database/config/viaproxy', {
        body: {
          plugin_name: 'postgresql-database-plugin',
          connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${proxy.port}/postgres`,
          username: 'postgres',
          password: cluster!.superPassword,
          allowed_roles: 'outage',
        },
      });
      await send(vault, 'update', 'database/roles/outage', { body: { db_name: 'viaproxy', creation_statements: CREATE, default_ttl: 2 } });
      const res = body(await send(vault, 'read', 'database/creds/outage'));
      await proxy.close();
      await sleep(3500);
      // Expired, revocation failed: the user and the lease are both still there.
      assert.equal(await roleExists(res.data.username), true);
      const lookup = body(await send(vault, 'update', 'sys/leases/lookup', { body: { lease_id: res.lease_id } }));
      assert.equal(lookup.data.id, res.lease_id);
      await proxy.open();
      assert.equal(await waitFor(async () => !(await roleExists(res.data.username)), 15_000), true);
      await waitFor(async () => (await send(vault, 'update', 'sys/leases/lookup', { body: { lease_id: res.lease_id } })).status === 400, 2000);
      assert.equal((await send(vault, 'update', 'sys/leases/lookup', { body: { lease_id: res.lease_id } })).status, 400);
    } finally {
      await proxy.close();
    }
  });
});

describe('database leases across a server restart', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sv-db-restart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const config = parseServerConfig({
    log_level: 'error',
    storage: { type: 'sqlite', path: join(dir, 'vault.db') },
    listener: { address: '127.0.0.1:0', tls_disable: true },
  });

  it('revokes an outstanding lease on time after the restarted server is unsealed', { timeout: 30_000 }, async () => {
    const first = await createVault({ config });
    const initRes = await send(first, 'update', 'sys/init', { token: '', body: { secret_shares: 1, secret_threshold: 1 } });
    const init = JSON.parse(String(initRes.raw!.body)) as { keys: string[]; root_token: string };
    const key = init.keys[0]!;
    const root = init.root_token;
    await send(first, 'update', 'sys/unseal', { token: '', body: { key } });
    await send(first, 'update', 'sys/mounts/database', { token: root, body: { type: 'database' } });
    await configure(first, cluster!.port, root);
    await send(first, 'update', 'database/roles/restart', { token: root, body: { db_name: 'pg', creation_statements: CREATE, default_ttl: 5 } });
    const res = body(await send(first, 'read', 'database/creds/restart', { token: root }));
    const expiry = Date.now() + 5000;
    await first.close();

    const second = await createVault({ config });
    try {
      assert.equal((await send(second, 'update', 'sys/unseal', { token: '', body: { key } })).status, 200);
      assert.equal(await roleExists(res.data.username), true);
      await sleep(Math.max(0, expiry - Date.now()));
      assert.equal(await waitFor(async () => !(await roleExists(res.data.username)), 2000), true);
    } finally {
      await second.close();
    }
  });
});
