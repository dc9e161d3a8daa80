import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { mountEngine, type EngineHarness } from '../../framework/engine-harness.js';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import type { Vault } from '../../server.js';
import { mariadbAvailable, mysqlLogin, testPasswordPolicies } from './db-test-support.js';
import { databaseEngine } from './index.js';

/**
 * The database engine against the shared MariaDB 10.11 on :3306 (which enforces passwords for
 * the users we create). Everything lives in a database and users of its own, dropped at the end.
 */
const available = await mariadbAvailable();
const skip = available ? false : 'MariaDB not reachable on 127.0.0.1:3306';
const tag = randomBytes(3).toString('hex');
const DB = `sv_test_${tag}`;
const ADMIN = `sv_admin_${tag}`;
const STATIC = `sv_static_${tag}`;
const ADMIN_PW = 'Initial-admin-pw-1';
const CREATE = [`CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON ${DB}.granted TO '{{name}}'@'%'`];

async function root<T = Record<string, unknown>[]>(text: string, params: unknown[] = []): Promise<T> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    return (await c.query(text, params))[0] as T;
  } finally {
    await c.end();
  }
}
const userExists = async (name: string) => (await root<unknown[]>('SELECT 1 FROM mysql.user WHERE User = ?', [name])).length > 0;
const ENGINE_CONFIG = {
  plugin_name: 'mysql-database-plugin',
  connection_url: '{{username}}:{{password}}@tcp(127.0.0.1:3306)/',
  username: ADMIN,
  password: ADMIN_PW,
  allowed_roles: '*',
};

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

before(async () => {
  if (!available) return;
  await root(`CREATE DATABASE ${DB}`);
  await root(`CREATE TABLE ${DB}.granted (x int)`);
  await root(`INSERT INTO ${DB}.granted VALUES (42)`);
  await root(`CREATE TABLE ${DB}.canary (x int)`);
  await root(`CREATE USER '${ADMIN}'@'%' IDENTIFIED BY '${ADMIN_PW}'`);
  await root(`GRANT ALL PRIVILEGES ON *.* TO '${ADMIN}'@'%' WITH GRANT OPTION`);
  await root(`CREATE USER '${STATIC}'@'%' IDENTIFIED BY 'before-vault'`);
});
after(async () => {
  if (!available) return;
  await root(`DROP DATABASE IF EXISTS ${DB}`);
  for (const u of [ADMIN, STATIC]) await root(`DROP USER IF EXISTS '${u}'@'%'`);
});

describe('database engine on MariaDB through the pipeline', { skip }, () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
    await send(vault, 'update', 'sys/mounts/database', { body: { type: 'database' } });
    const res = await send(vault, 'update', 'database/config/my', { body: ENGINE_CONFIG });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    await send(vault, 'update', 'database/roles/readonly', { body: { db_name: 'my', creation_statements: CREATE, default_ttl: '1h' } });
  });
  after(() => vault?.close());

  it('generates a working user, and revoking the lease drops it', async () => {
    const res = body(await send(vault, 'read', 'database/creds/readonly'));
    const { username, password } = res.data;
    assert.match(username, /^v-root-readonly-[A-Za-z0-9]{16}$/);
    assert.equal(username.length, 32);
    assert.equal(await mysqlLogin(username, password, `SELECT x FROM ${DB}.granted`), true);
    assert.equal(await mysqlLogin(username, password, `SELECT x FROM ${DB}.canary`), false);
    assert.equal((await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: res.lease_id } })).status, 204);
    assert.equal(await mysqlLogin(username, password), false);
    assert.equal(await userExists(username), false);
  });

  it('drops a 3-second credential within 2 s after expiry without any call', async () => {
    await send(vault, 'update', 'database/roles/short', { body: { db_name: 'my', creation_statements: CREATE, default_ttl: 3 } });
    const res = body(await send(vault, 'read', 'database/creds/short'));
    const expiry = Date.now() + 3000;
    assert.equal(await userExists(res.data.username), true);
    await sleep(expiry - Date.now());
    assert.equal(await waitFor(async () => !(await userExists(res.data.username)), 2000), true);
  });

  it('keeps hostile role names and usernames inside their quotes', async () => {
    await send(vault, 'update', 'database/config/my', { body: { username_template: '{{ printf "v-%s-\\\\%s" .RoleName (random 4) }}' } });
    const hostile = `q'"; --\`z`;
    await send(vault, 'update', `database/roles/${hostile}`, { body: { db_name: 'my', creation_statements: CREATE } });
    const res = body(await send(vault, 'read', `database/creds/${hostile}`));
    assert.ok(res.data.username.startsWith(`v-${hostile}-\\`), res.data.username);
    assert.equal(await mysqlLogin(res.data.username, res.data.password, `SELECT x FROM ${DB}.granted`), true);
    await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: res.lease_id } });
    assert.equal(await userExists(res.data.username), false);
    assert.equal((await root<unknown[]>(`SHOW TABLES FROM ${DB} LIKE 'canary'`)).length, 1);
    await send(vault, 'update', 'database/config/my', { body: { username_template: '' } });
  });

  it('drops the half-created user when a creation statement fails (MySQL DDL is not transactional)', async () => {
    await send(vault, 'update', 'database/roles/halfway', {
      body: { db_name: 'my', creation_statements: [`CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'`, `GRANT SELECT ON ${DB}.no_such TO '{{name}}'@'%'`] },
    });
    const res = await send(vault, 'read', 'database/creds/halfway');
    assert.equal(res.status, 500);
    assert.equal((await root<unknown[]>("SELECT 1 FROM mysql.user WHERE User LIKE 'v-root-halfway%'")).length, 0);
  });
});

describe('static roles and rotate-root on MariaDB', { skip }, () => {
  let h: EngineHarness;
  before(async () => {
    h = await mountEngine(databaseEngine(testPasswordPolicies()), { path: 'database/', type: 'database' });
    await h.send('update', 'config/my', ENGINE_CONFIG);
  });
  after(() => h?.engine.close?.());

  it('rotates a static role on creation, on rotate-role and when due', async () => {
    assert.equal(await mysqlLogin(STATIC, 'before-vault'), true);
    await h.send('update', 'static-roles/app', { db_name: 'my', username: STATIC, rotation_period: 30 });
    assert.equal(await mysqlLogin(STATIC, 'before-vault'), false);
    const a = String((await h.send('read', 'static-creds/app'))!.data!['password']);
    assert.equal(await mysqlLogin(STATIC, a), true);
    await h.send('update', 'rotate-role/app');
    const b = String((await h.send('read', 'static-creds/app'))!.data!['password']);
    assert.equal(await mysqlLogin(STATIC, a), false);
    assert.equal(await mysqlLogin(STATIC, b), true);
    h.clock.advance(31);
    await h.engine.periodic!();
    const c = String((await h.send('read', 'static-creds/app'))!.data!['password']);
    assert.notEqual(c, b);
    assert.equal(await mysqlLogin(STATIC, b), false);
    assert.equal(await mysqlLogin(STATIC, c), true);
  });

  it('rotate-root changes the engine password, never readable, and the engine keeps working', async () => {
    await h.send('update', 'rotate-root/my');
    assert.equal(await mysqlLogin(ADMIN, ADMIN_PW), false, 'the old engine password no longer works');
    assert.equal(JSON.stringify((await h.send('read', 'config/my'))!.data).includes('password":'), false);
    await h.send('update', 'roles/dyn', { db_name: 'my', creation_statements: CREATE });
    const creds = await h.send('read', 'creds/dyn');
    const { username, password } = creds!.data as { username: string; password: string };
    assert.equal(await mysqlLogin(username, password), true);
    await h.engine.leases!['creds']!.revoke(creds!.secret!.internal);
    await h.engine.leases!['creds']!.revoke(creds!.secret!.internal); // idempotent
    assert.equal(await userExists(username), false);
  });
});
