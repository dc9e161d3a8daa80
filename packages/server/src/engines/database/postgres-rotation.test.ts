import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EngineHarness, mountEngine, rejectsVault } from '../../framework/engine-harness.js';
import { pgLogin, startScramPostgres, testPasswordPolicies } from './db-test-support.js';
import { databaseEngine } from './index.js';

/**
 * Static roles and rotate-root on a real scram-sha-256 PostgreSQL, through the engine's
 * declarations (tier 1) with a FakeClock, calling `periodic()` as the scheduler would.
 */
const cluster = await startScramPostgres();
after(() => cluster?.stop());
const skip = cluster ? false : 'PostgreSQL 15 binaries not available';
const policies = testPasswordPolicies();

async function sql(text: string): Promise<void> {
  const c = cluster!.admin();
  await c.connect();
  await c.query(text).finally(() => c.end());
}

describe('static roles and rotate-root on PostgreSQL', { skip }, () => {
  let h: EngineHarness;
  before(async () => {
    // A dedicated engine user, not the superuser: CREATEROLE is what the engine needs.
    await sql(`CREATE ROLE sv_admin LOGIN CREATEROLE PASSWORD 'initial-admin-pw'; CREATE ROLE app_static LOGIN PASSWORD 'before-vault'`);
    await sql('GRANT pg_signal_backend TO sv_admin');
    h = await mountEngine(databaseEngine(policies), { path: 'database/', type: 'database' });
    await h.send('update', 'config/pg', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${cluster!.port}/postgres`,
      username: 'sv_admin',
      password: 'initial-admin-pw',
      allowed_roles: ['app', 'dyn', 'sched'],
    });
  });
  after(() => h?.engine.close?.());

  it('rotates a static role on creation, on rotate-role and when its period is due', async () => {
    assert.equal(await pgLogin(cluster!.port, 'app_static', 'before-vault'), true);
    await h.send('update', 'static-roles/app', { db_name: 'pg', username: 'app_static', rotation_period: '10s' });
    assert.equal(await pgLogin(cluster!.port, 'app_static', 'before-vault'), false, 'rotated on creation');
    const first = (await h.send('read', 'static-creds/app'))!.data!;
    assert.equal(first['ttl'], 10);
    assert.equal(first['rotation_period'], 10);
    assert.equal(await pgLogin(cluster!.port, 'app_static', String(first['password'])), true);

    await h.send('update', 'rotate-role/app');
    const second = (await h.send('read', 'static-creds/app'))!.data!;
    assert.notEqual(second['password'], first['password']);
    assert.equal(await pgLogin(cluster!.port, 'app_static', String(first['password'])), false);
    assert.equal(await pgLogin(cluster!.port, 'app_static', String(second['password'])), true);

    await h.engine.periodic!();
    assert.equal((await h.send('read', 'static-creds/app'))!.data!['password'], second['password'], 'not due yet');
    h.clock.advance(11);
    await h.engine.periodic!();
    const third = (await h.send('read', 'static-creds/app'))!.data!;
    assert.notEqual(third['password'], second['password']);
    assert.equal(await pgLogin(cluster!.port, 'app_static', String(second['password'])), false);
    assert.equal(await pgLogin(cluster!.port, 'app_static', String(third['password'])), true);
    assert.equal(third['last_vault_rotation'], new Date(h.clock.now()).toISOString());
  });

  it('rotates on a cron schedule and validates the schedule fields', async () => {
    await rejectsVault(h.send('update', 'static-roles/sched', { db_name: 'pg', username: 'app_static', rotation_period: 60, rotation_schedule: '0 * * * *' }), 400, /mutually exclusive/);
    await rejectsVault(h.send('update', 'static-roles/sched', { db_name: 'pg', username: 'app_static', rotation_schedule: 'every hour' }), 400, /cron/);
    await h.send('update', 'static-roles/sched', { db_name: 'pg', username: 'app_static', rotation_schedule: '0 * * * *', rotation_window: '1h' });
    const a = (await h.send('read', 'static-creds/sched'))!.data!;
    assert.equal(a['rotation_schedule'], '0 * * * *');
    assert.equal(a['ttl'], 3600 - (Math.floor(h.clock.now() / 1000) % 3600), 'until the next full hour');
    h.clock.advance(3600);
    await h.engine.periodic!();
    const b = (await h.send('read', 'static-creds/sched'))!.data!;
    assert.notEqual(b['password'], a['password']);
    assert.equal(await pgLogin(cluster!.port, 'app_static', String(b['password'])), true);
    await h.send('delete', 'static-roles/sched');
  });

  it('rotate-root changes the engine password, which is never readable, and the engine keeps working', async () => {
    await h.send('update', 'roles/dyn', { db_name: 'pg', creation_statements: `CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'` });
    await h.send('update', 'rotate-root/pg');
    assert.equal(await pgLogin(cluster!.port, 'sv_admin', 'initial-admin-pw'), false);
    const read = (await h.send('read', 'config/pg'))!.data!;
    assert.equal(JSON.stringify(read).includes('password":'), false);
    assert.equal(JSON.stringify(read).includes('initial-admin-pw'), false);
    const creds = await h.send('read', 'creds/dyn');
    const { username, password } = creds!.data as { username: string; password: string };
    assert.equal(await pgLogin(cluster!.port, username, password), true);
    // The non-superuser engine user revokes through the fallback path.
    await h.engine.leases!['creds']!.revoke(creds!.secret!.internal);
    assert.equal(await pgLogin(cluster!.port, username, password), false);
    await h.engine.leases!['creds']!.revoke(creds!.secret!.internal); // idempotent
  });

  it('sets passwords from the named policy of the role, else of the connection: rotate-root, static roles, creds', async () => {
    await policies.put('lower-digits', 'length = 30\nrule "charset" { charset = "abcdefghijklmnopqrstuvwxyz" }\nrule "charset" {\n charset = "0123456789"\n min-chars = 5\n}');
    await policies.put('upper', 'length = 24\nrule "charset" { charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" }');
    const lowerDigits = (pw: unknown) => typeof pw === 'string' && /^[a-z0-9]{30}$/.test(pw) && pw.replace(/\D/g, '').length >= 5;
    await h.send('update', 'config/pg', { password_policy: 'lower-digits' });
    assert.equal((await h.send('read', 'config/pg'))!.data!['password_policy'], 'lower-digits');
    await h.send('update', 'rotate-root/pg');
    const creds = (await h.send('read', 'creds/dyn'))!;
    assert.ok(lowerDigits(creds.data!['password']), 'the connection\'s policy, and the rotated engine password works');
    assert.equal(await pgLogin(cluster!.port, String(creds.data!['username']), String(creds.data!['password'])), true);
    await h.engine.leases!['creds']!.revoke(creds.secret!.internal);

    await h.send('update', 'rotate-role/app');
    const rotated = String((await h.send('read', 'static-creds/app'))!.data!['password']);
    assert.ok(lowerDigits(rotated));
    assert.equal(await pgLogin(cluster!.port, 'app_static', rotated), true);

    await h.send('update', 'static-roles/app', { credential_config: { password_policy: 'upper' } });
    assert.deepEqual((await h.send('read', 'static-roles/app'))!.data!['credential_config'], { password_policy: 'upper' });
    await h.send('update', 'rotate-role/app');
    const upper = String((await h.send('read', 'static-creds/app'))!.data!['password']);
    assert.match(upper, /^[A-Z]{24}$/, 'the role\'s policy wins');
    assert.equal(await pgLogin(cluster!.port, 'app_static', upper), true);

    await h.send('update', 'roles/dyn', { credential_config: ['password_policy=upper'] });
    const roleCreds = (await h.send('read', 'creds/dyn'))!;
    assert.match(String(roleCreds.data!['password']), /^[A-Z]{24}$/);
    await h.engine.leases!['creds']!.revoke(roleCreds.secret!.internal);
    await h.send('update', 'roles/dyn', { credential_config: {} });
    assert.equal((await h.send('read', 'roles/dyn'))!.data!['credential_config'], undefined, 'cleared, and omitted as in Vault');
    await rejectsVault(h.send('update', 'roles/dyn', { credential_config: { password_polcy: 'upper' } }), 400, /unknown key `password_polcy`/);
  });

  it('accepts an unknown policy name, and fails at generation time without changing anything, as Vault', async () => {
    await h.send('update', 'config/pg', { password_policy: 'no-such-policy' });
    await rejectsVault(h.send('update', 'rotate-root/pg'), 500, 'failed to generate password: no password policy `no-such-policy` found');
    await rejectsVault(h.send('read', 'creds/dyn'), 500, /no password policy `no-such-policy`/);
    const before = (await h.send('read', 'static-creds/app'))!.data!['password'];
    await h.send('update', 'static-roles/app', { credential_config: {} });
    await rejectsVault(h.send('update', 'rotate-role/app'), 500, /no password policy/);
    assert.equal((await h.send('read', 'static-creds/app'))!.data!['password'], before);
    assert.equal(await pgLogin(cluster!.port, 'app_static', String(before)), true);
    await h.send('update', 'config/pg', { password_policy: '' });
    const creds = (await h.send('read', 'creds/dyn'))!;
    assert.match(String(creds.data!['password']), /^[A-Za-z0-9-]{20}$/, 'the default policy again');
    assert.equal(await pgLogin(cluster!.port, String(creds.data!['username']), String(creds.data!['password'])), true, 'the engine password survived');
    await h.engine.leases!['creds']!.revoke(creds.secret!.internal);
  });

  it('refuses roles not in allowed_roles', async () => {
    await h.send('update', 'roles/other', { db_name: 'pg', creation_statements: 'SELECT 1' });
    await rejectsVault(h.send('read', 'creds/other'), 400, /not an allowed role/);
  });

  it('declares Cedar targets by role and by connection', async () => {
    assert.deepEqual((await h.call('read', 'creds/dyn')).authz, { action: 'generate', resource: 'database/dyn' });
    assert.deepEqual((await h.call('read', 'static-creds/app')).authz, { action: 'read', resource: 'database/app' });
    assert.deepEqual((await h.call('update', 'rotate-role/app')).authz, { action: 'rotate', resource: 'database/app' });
    assert.deepEqual((await h.call('read', 'config/pg')).authz, { action: 'read', resource: 'database/config/pg' });
  });
});
