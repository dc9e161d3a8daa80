import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import type { StorageView } from '../storage/storage-view.js';
import { auditedVault, cliVerifier, entries, tempDir } from './audit-test-kit.js';

const CANARY = {
  kv: 'canary-kv-7c1e0f5b',
  nested: 'canary-nested-3a9d',
  token: 'canary-token-id-55aa',
  meta: 'canary-meta-value-1b2c',
  wrapped: 'canary-wrapped-99de',
};

describe('audit broker in the pipeline (tier 2)', () => {
  let vault: Vault;
  let view: StorageView;
  let dir: string;
  let file: string;
  let devToken: string;

  before(async () => {
    ({ vault, view } = await auditedVault());
    dir = await tempDir();
    file = join(dir, 'audit.log');
    await vault.audit.enable('file', { type: 'file', options: { file_path: file } });
    const created = await send(vault, 'update', 'auth/token/create', { body: { policies: ['dev'], ttl: '1h' } });
    devToken = body(created).auth.client_token;
  });
  after(async () => {
    await vault.audit.close();
    await vault.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs each request before it runs and each response after, in Vault’s entry format', async () => {
    const res = await send(vault, 'update', 'secret/data/app/db', { body: { data: { password: CANARY.kv } } });
    assert.equal(res.status, 200);
    const all = await entries(file);
    const mine = all.filter((e) => e.request?.path === 'secret/data/app/db');
    assert.deepEqual(mine.map((e) => e.type), ['request', 'response']);
    const [req, resp] = mine as [Record<string, any>, Record<string, any>];
    assert.equal(req.time, req.timestamp);
    assert.match(req.time, /^\d{4}-\d\d-\d\dT/);
    assert.match(req.auth.client_token, /^hmac-sha256:[0-9a-f]{64}$/);
    assert.match(req.auth.accessor, /^hmac-sha256:[0-9a-f]{64}$/);
    assert.equal(req.auth.display_name, 'root');
    assert.deepEqual(req.auth.policies, ['root']);
    assert.equal(typeof req.auth.entity_id, 'string');
    assert.match(req.auth.principal, /::"/);
    assert.equal(req.request.operation, 'create');
    assert.equal(req.request.remote_address, '127.0.0.1');
    assert.equal(req.request.mount_type, 'kv');
    assert.equal(req.request.id, resp.request.id);
    assert.match(req.request.data.data.password, /^hmac-sha256:/);
    assert.equal(req.cedar_policy.decision, 'allow');
    assert.ok(Array.isArray(req.cedar_policy.policy_ids));
    assert.equal(resp.response.status, 200);
    assert.match(resp.response.data.created_time, /^hmac-sha256:/);
    assert.equal(resp.response.data.version, 1); // non-strings are not hashed (Vault)
    assert.equal(resp.error, '');
    assert.equal(typeof req.seq, 'number');
    assert.match(req.prev_hash, /^sha256:[0-9a-f]{64}$/);
  });

  it('sys/audit-hash reproduces the hash a device wrote', async () => {
    const all = await entries(file);
    const written = all.find((e) => e.request?.path === 'secret/data/app/db')!.request.data.data.password;
    assert.equal(vault.audit.hash('file', CANARY.kv), written);
  });

  it('logs denied requests with the Cedar decision, and requests without a valid token', async () => {
    assert.equal((await send(vault, 'read', 'secret/data/app/db', { token: devToken })).status, 403);
    assert.equal((await send(vault, 'read', 'secret/data/app/other', { token: 'not-a-token' })).status, 403);
    const all = await entries(file);
    const denied = all.filter((e) => e.request?.path === 'secret/data/app/db' && e.cedar_policy?.decision === 'deny');
    assert.deepEqual(denied.map((e) => e.type), ['request', 'response']);
    assert.equal(denied[1]!.response.status, 403);
    assert.equal(denied[1]!.error, 'permission denied');
    const anon = all.filter((e) => e.request?.path === 'secret/data/app/other');
    assert.deepEqual(anon.map((e) => e.type), ['request', 'response']);
    assert.equal(anon[0]!.auth, undefined);
  });

  it('never writes a secret value, a raw token, a token id or an accessor', async () => {
    await send(vault, 'update', 'secret/data/app/nested', { body: { data: { deep: { list: [CANARY.nested] } } } });
    await send(vault, 'read', 'secret/data/app/nested');
    const created = await send(vault, 'update', 'auth/token/create', {
      body: { id: CANARY.token, policies: ['dev'], meta: { note: 'x' } },
    });
    assert.equal(created.status, 200);
    const made = body(created).auth;
    await send(vault, 'update', 'auth/token/lookup', { body: { token: CANARY.token } });
    const wrapped = await send(vault, 'update', 'sys/wrapping/wrap', { body: { secret: CANARY.wrapped }, wrapTtl: 60 });
    const wrapToken = body(wrapped).wrap_info.token as string;
    await send(vault, 'update', 'sys/wrapping/unwrap', { body: { token: wrapToken } });
    const text = await readFile(file, 'utf8');
    const forbidden = [...Object.values(CANARY), 'root-token-for-tests', devToken, made.accessor as string, wrapToken];
    for (const value of forbidden) assert.ok(!text.includes(value), `audit output contains ${value}`);
  });

  it('does not audit the lifecycle paths', async () => {
    await send(vault, 'read', 'sys/seal-status');
    await send(vault, 'read', 'sys/health');
    const all = await entries(file);
    assert.ok(!all.some((e) => ['sys/seal-status', 'sys/health'].includes(e.request?.path)));
  });

  it('keeps the hash chain verifiable, checkpoints signed by the key at sys/audit/:name/public-key', async () => {
    const { verifyAuditLog } = await cliVerifier();
    const pem = vault.audit.publicKey('file');
    assert.match(pem, /BEGIN PUBLIC KEY/);
    const open = verifyAuditLog(await readFile(file, 'utf8'), { publicKeyPem: pem, allowUnsignedTail: true });
    assert.ok(open.ok, JSON.stringify(open.problem));
  });

  it('lists devices and refuses a second device at the same path', async () => {
    const listed = vault.audit.list();
    assert.deepEqual(Object.keys(listed), ['file/']);
    assert.equal(listed['file/']!.type, 'file');
    assert.equal(listed['file/']!.options['file_path'], file);
    await assert.rejects(vault.audit.enable('file', { type: 'file', options: { file_path: file } }), /already in use/);
    const stored = await view.getJson<unknown[]>('devices');
    assert.equal(stored?.length, 1);
  });
});

describe('audit device options', () => {
  let vault: Vault;
  let dir: string;
  before(async () => {
    ({ vault } = await auditedVault());
    dir = await tempDir();
  });
  after(async () => {
    await vault.audit.close();
    await vault.close();
    await rm(dir, { recursive: true, force: true });
  });

  const status = async (p: Promise<unknown>) => {
    try {
      await p;
      return 204;
    } catch (err) {
      return err instanceof VaultError ? err.status : 500;
    }
  };

  it('refuses `prefix` and executable `mode` bits through the API (CVE-2025-6000)', async () => {
    const f = join(dir, 'x.log');
    assert.equal(await status(vault.audit.enable('a', { type: 'file', options: { file_path: f, prefix: '#!/bin/sh\n' } })), 400);
    assert.equal(await status(vault.audit.enable('b', { type: 'file', options: { file_path: f, mode: '0755' } })), 400);
    assert.equal(await status(vault.audit.enable('c', { type: 'file', options: { file_path: f, mode: '4600' } })), 400);
    assert.equal(await status(vault.audit.enable('d', { type: 'file', options: { file_path: f, mode: '0640' } })), 204);
    assert.equal((await stat(f)).mode & 0o777, 0o640);
    await vault.audit.disable('d');
  });

  it('answers 400 when the test write fails, unless skip_test', async () => {
    const bad = join(dir, 'no-such-dir', 'a.log');
    assert.equal(await status(vault.audit.enable('t', { type: 'file', options: { file_path: bad } })), 400);
    assert.equal(vault.audit.list()['t/'], undefined);
    assert.equal(await status(vault.audit.enable('t', { type: 'file', options: { file_path: bad, skip_test: 'true' } })), 204);
    await vault.audit.disable('t');
    assert.equal(await status(vault.audit.enable('u', { type: 'nope' })), 400);
  });

  it('hmac_accessor=false logs accessors raw; log_raw=true logs everything raw', async () => {
    const a = join(dir, 'acc.log');
    const r = join(dir, 'raw.log');
    await vault.audit.enable('acc', { type: 'file', options: { file_path: a, hmac_accessor: 'false' } });
    await vault.audit.enable('raw', { type: 'file', options: { file_path: r, log_raw: 'true' } });
    await send(vault, 'update', 'secret/data/opts', { body: { data: { v: 'plain-value' } } });
    const acc = (await entries(a)).find((e) => e.type === 'request')!;
    const raw = (await entries(r)).find((e) => e.type === 'request')!;
    assert.doesNotMatch(acc.auth.accessor, /^hmac-sha256:/);
    assert.match(acc.auth.client_token, /^hmac-sha256:/);
    assert.equal(raw.request.data.data.v, 'plain-value');
    assert.equal(raw.auth.client_token, 'root-token-for-tests');
    await vault.audit.disable('acc');
    await vault.audit.disable('raw');
  });

  it('deletes the salt on disable, so a re-enabled device hashes differently', async () => {
    const f = join(dir, 's.log');
    await vault.audit.enable('s', { type: 'file', options: { file_path: f } });
    const first = vault.audit.hash('s', 'x');
    await vault.audit.disable('s');
    await vault.audit.enable('s', { type: 'file', options: { file_path: f } });
    assert.notEqual(vault.audit.hash('s', 'x'), first);
    await vault.audit.disable('s');
  });
});

describe('audit fail-closed (full filesystem)', () => {
  let vault: Vault;
  let dir: string;
  let small: string;
  let mounted = false;
  before(async () => {
    ({ vault } = await auditedVault());
    dir = await tempDir();
    small = join(dir, 'small');
    execFileSync('mkdir', ['-p', small]);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small], { stdio: 'ignore' });
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  after(async () => {
    await vault.audit.close();
    await vault.close();
    if (mounted) execFileSync('umount', [small]);
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Fills the tmpfs, then sends small requests until not even their request entry fits in the
   * audit file's last page (a 500 whose response entry alone failed would have executed).
   */
  async function fill(): Promise<void> {
    await writeFile(join(small, 'filler'), Buffer.alloc(1 << 20)).catch(() => {});
    const size = async () => (await stat(join(small, 'audit.log'))).size;
    for (let i = 0; i < 50; i++) {
      const before = await size();
      const res = await send(vault, 'read', 'sys/mounts');
      if (res.status === 500 && (await size()) === before) return;
    }
    assert.fail('the audit device never filled up');
  }

  it('refuses every request with 500 and executes nothing when the only device cannot write', async (t) => {
    if (!mounted) return process.env['CI'] === 'true' ? assert.fail('needs root to mount a tmpfs, required in CI') : t.skip('needs root to mount a tmpfs');
    await vault.audit.enable('full', { type: 'file', options: { file_path: join(small, 'audit.log') } });
    await fill();
    const write = await send(vault, 'update', 'secret/data/closed', { body: { data: { a: '1' } } });
    assert.equal(write.status, 500);
    assert.deepEqual(body(write).errors, ['no audit device could record the request']);
    for (const [op, path] of [['read', 'sys/mounts'], ['read', 'secret/data/closed'], ['update', 'auth/token/create']] as const) {
      assert.equal((await send(vault, op, path)).status, 500, `${op} ${path}`);
    }
    // Free the space: the write attempted while full was never executed.
    await rm(join(small, 'filler'));
    assert.equal((await send(vault, 'read', 'secret/data/closed')).status, 404);
    const { verifyAuditLog } = await cliVerifier();
    const check = verifyAuditLog(await readFile(join(small, 'audit.log'), 'utf8'), { allowUnsignedTail: true });
    assert.ok(check.ok, JSON.stringify(check.problem)); // failed batches left no partial line behind
  });

  it('carries on when one of two devices fails', async (t) => {
    if (!mounted) return process.env['CI'] === 'true' ? assert.fail('needs root to mount a tmpfs, required in CI') : t.skip('needs root to mount a tmpfs');
    const good = join(dir, 'good.log');
    await vault.audit.enable('good', { type: 'file', options: { file_path: good } });
    await fill().catch(() => {});
    await writeFile(join(small, 'filler2'), Buffer.alloc(1 << 20)).catch(() => {});
    const write = await send(vault, 'update', 'secret/data/open', { body: { data: { a: '1' } } });
    assert.equal(write.status, 200);
    assert.ok((await entries(good)).some((e) => e.request?.path === 'secret/data/open'));
  });
});

describe('audit while sealed', () => {
  it('records sealed-state requests with metadata only, and nothing once the device is gone', async () => {
    const vault = await devVault();
    const dir = await tempDir();
    const file = join(dir, 'sealed.log');
    try {
      const { PrefixView } = await import('../storage/storage-view.js');
      const { MapStore } = await import('../framework/engine-harness.js');
      const view = new PrefixView(new MapStore(), '');
      await vault.audit.unseal(view);
      await vault.audit.enable('file', { type: 'file', options: { file_path: file } });
      assert.equal((await send(vault, 'update', 'sys/seal')).status, 204);
      await vault.audit.seal(); // what server.ts's deactivate does
      assert.equal((await send(vault, 'read', 'secret/data/x')).status, 503);
      const sealed = (await entries(file)).filter((e) => e.request?.path === 'secret/data/x');
      assert.deepEqual(sealed.map((e) => e.type), ['request', 'response']);
      assert.equal(sealed[1]!.response.status, 503);
      assert.equal(sealed[1]!.error, 'Vault is sealed');
      assert.equal(sealed[0]!.auth, undefined);
      assert.equal(sealed[0]!.request.data, undefined);
      const text = await readFile(file, 'utf8');
      assert.ok(!text.includes('root-token-for-tests'));
      const res = await send(vault, 'update', 'sys/unseal', { body: { key: Buffer.from(vault.unsealKey!).toString('base64') } });
      assert.equal(res.status, 200);
      await vault.audit.unseal(view);
      assert.equal((await send(vault, 'read', 'sys/mounts')).status, 200);
      await vault.audit.close();
      const { verifyAuditLog } = await cliVerifier();
      const check = verifyAuditLog(await readFile(file, 'utf8'), { publicKeyPem: undefined });
      assert.ok(check.ok, JSON.stringify(check.problem));
    } finally {
      await vault.audit.close();
      await vault.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
