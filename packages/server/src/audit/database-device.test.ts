import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { FakeClock, mountEngine, type EngineHarness } from '../framework/engine-harness.js';
import { body, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { auditPaths } from '../system/path-audit.js';
import { auditedVault, tempDir } from './audit-test-kit.js';

const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

describe('database audit device + access history (PostgreSQL on 127.0.0.1:5432)', () => {
  const db = `secretum_audit_${randomBytes(4).toString('hex')}`;
  let vault: Vault;
  let sys: EngineHarness;
  let devToken: string;
  let available = true;

  before(async () => {
    const admin = new pg.Client({ connectionString: ADMIN });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${db}`);
    } catch {
      available = false;
      return;
    } finally {
      await admin.end().catch(() => {});
    }
    ({ vault } = await auditedVault());
    await vault.audit.enable('db', {
      type: 'database',
      options: { connection_url: `postgres://postgres@127.0.0.1:5432/${db}` },
    });
    sys = await mountEngine(async () => ({ kind: 'secrets', paths: auditPaths(vault.audit, new FakeClock(Date.now())) }), {
      path: 'sys/',
      type: 'system',
    });
    const created = await send(vault, 'update', 'auth/token/create', { body: { policies: ['dev'], display_name: 'ci' } });
    devToken = body(created).auth.client_token;
    await send(vault, 'update', 'secret/data/database/prod/password', { body: { data: { password: 'canary-db-9f8e' } } });
    await send(vault, 'read', 'secret/data/database/prod/password');
    await send(vault, 'read', 'secret/data/database/prod/password', { token: devToken });
    await send(vault, 'read', 'secret/data/elsewhere', {});
  });
  after(async () => {
    if (!available) return;
    await vault.audit.close();
    await vault.close();
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  });

  it('writes indexed rows holding the exact lines, and never the secret', async (t) => {
    if (!available) return process.env['CI'] === 'true' ? assert.fail('no PostgreSQL on 127.0.0.1:5432, required in CI') : t.skip('no PostgreSQL on 127.0.0.1:5432');
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${db}` });
    await c.connect();
    try {
      const idx = await c.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'audit_log'`);
      const names = idx.rows.map((r) => r.indexname);
      for (const n of ['audit_log_time', 'audit_log_path', 'audit_log_principal']) assert.ok(names.includes(n), n);
      const rows = await c.query<{ entry: string; type: string }>(`SELECT entry, type FROM audit_log ORDER BY id`);
      assert.ok(rows.rows.length >= 8);
      assert.equal(rows.rows[0]!.type, 'checkpoint');
      const all = rows.rows.map((r) => r.entry).join('\n');
      assert.ok(!all.includes('canary-db-9f8e'));
      assert.ok(!all.includes(devToken));
    } finally {
      await c.end();
    }
  });

  it('sys/audit/:name/query filters by the Cedar path prefix, decision and principal, and pages', async (t) => {
    if (!available) return process.env['CI'] === 'true' ? assert.fail('no PostgreSQL on 127.0.0.1:5432, required in CI') : t.skip('no PostgreSQL on 127.0.0.1:5432');
    const all = await sys.send('read', 'audit/db/query', { path: 'secret/database/prod', type: 'response', since: '1h' });
    const entries = all!.data!['entries'] as Record<string, any>[];
    assert.deepEqual(
      entries.map((e) => [e.request.operation, e.cedar_policy.decision, e.response.status]),
      [
        ['create', 'allow', 200],
        ['read', 'allow', 200],
        ['read', 'deny', 403],
      ],
    );
    const denied = await sys.send('update', 'audit/db/query', { path: 'secret/database/prod', decision: 'deny', type: 'response' });
    const d = (denied!.data!['entries'] as Record<string, any>[])[0]!;
    assert.equal(d.auth.display_name, 'token-ci');
    const byPrincipal = await sys.send('read', 'audit/db/query', { principal: d.auth.principal, type: 'response' });
    assert.ok((byPrincipal!.data!['entries'] as unknown[]).length >= 1);
    const first = await sys.send('read', 'audit/db/query', { path: 'secret/', limit: 2 });
    assert.equal((first!.data!['entries'] as unknown[]).length, 2);
    const cursor = first!.data!['next_cursor'] as string;
    assert.match(cursor, /^\d+$/);
    const second = await sys.send('read', 'audit/db/query', { path: 'secret/', limit: 2, after: cursor });
    assert.notDeepEqual(second!.data!['entries'], first!.data!['entries']);
    const future = await sys.send('read', 'audit/db/query', { since: new Date(Date.now() + 3600_000).toISOString() });
    assert.deepEqual(future!.data!['entries'], []);
  });

  it('sys/audit lists with data at the top level; public-key and audit-hash answer', async (t) => {
    if (!available) return process.env['CI'] === 'true' ? assert.fail('no PostgreSQL on 127.0.0.1:5432, required in CI') : t.skip('no PostgreSQL on 127.0.0.1:5432');
    const dir = await tempDir();
    await sys.send('update', 'audit/f', { type: 'file', options: { file_path: `${dir}/f.log` }, description: 'second' });
    const listed = await sys.send('read', 'audit');
    assert.equal(listed!.dataAtTopLevel, true);
    assert.deepEqual(listed!.data!['f/'], { path: 'f/', type: 'file', description: 'second', options: { file_path: `${dir}/f.log` }, local: false });
    const key = await sys.send('read', 'audit/f/public-key');
    assert.match(key!.data!['public_key'] as string, /BEGIN PUBLIC KEY/);
    const hash = await sys.send('update', 'audit-hash/f', { input: 'x' });
    assert.match(hash!.data!['hash'] as string, /^hmac-sha256:[0-9a-f]{64}$/);
    assert.equal(hash!.dataAtTopLevel, true);
    await sys.send('delete', 'audit/f');
    assert.equal((await sys.send('read', 'audit'))!.data!['f/'], undefined);
    await assert.rejects(sys.send('update', 'audit/g', { type: 'file', options: { file_path: `${dir}/g.log`, mode: '0700' } }), /executable/);
    await assert.rejects(sys.send('read', 'audit/f/query', {}), /no audit device/);
  });
});
