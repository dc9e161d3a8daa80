import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { entries, tempDir } from '../audit/audit-test-kit.js';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';

const A = '10.0.0.1';
const B = '10.0.0.2';

describe('rate-limit quotas through the pipeline (tier 2)', () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
    await send(vault, 'update', 'sys/mounts/kv2', { body: { type: 'kv', options: { version: '2' } } });
    await send(vault, 'update', 'secret/data/app', { body: { data: { v: '1' } } });
  });
  after(() => vault.close());
  beforeEach(async () => {
    const listed = await send(vault, 'list', 'sys/quotas/rate-limit');
    for (const name of (body(listed).data?.keys ?? []) as string[]) await send(vault, 'delete', `sys/quotas/rate-limit/${name}`);
    await send(vault, 'update', 'sys/quotas/config', {
      body: { enable_rate_limit_response_headers: false, enable_rate_limit_audit_logging: false, rate_limit_exempt_paths: [] },
    });
  });

  const read = (path: string, remoteAddress = A) => send(vault, 'read', path, { remoteAddress });

  it('creates, reads, lists and deletes a quota in Vault’s shapes', async () => {
    const created = await send(vault, 'update', 'sys/quotas/rate-limit/kv', {
      body: { path: 'secret/', rate: 897.3, interval: '2m', block_interval: '5m' },
    });
    assert.equal(created.status, 204);
    const got = await send(vault, 'read', 'sys/quotas/rate-limit/kv');
    assert.deepEqual(body(got).data, {
      name: 'kv',
      path: 'secret/',
      type: 'rate-limit',
      rate: 897.3,
      interval: 120,
      block_interval: 300,
      role: '',
      inheritable: false,
    });
    await send(vault, 'update', 'sys/quotas/rate-limit/global', { body: { rate: 1000 } });
    const global = body(await send(vault, 'read', 'sys/quotas/rate-limit/global')).data;
    assert.equal(global.path, '');
    assert.equal(global.interval, 1);
    assert.equal(global.inheritable, true);
    assert.deepEqual(body(await send(vault, 'list', 'sys/quotas/rate-limit')).data.keys, ['global', 'kv']);
    // an update keeps what it does not name
    await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { rate: 5 } });
    assert.equal(body(await send(vault, 'read', 'sys/quotas/rate-limit/kv')).data.interval, 120);
    assert.equal((await send(vault, 'delete', 'sys/quotas/rate-limit/kv')).status, 204);
    assert.equal((await send(vault, 'read', 'sys/quotas/rate-limit/kv')).status, 404);
  });

  it('answers 429 after the burst, for that client and that mount only, before authentication', async () => {
    await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret', rate: 2, interval: '1h' } });
    assert.equal((await read('secret/data/app')).status, 200);
    assert.equal((await read('secret/data/app')).status, 200);
    const refused = await read('secret/data/app');
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { errors: ['request path "secret/data/app": rate limit quota exceeded'] });
    assert.equal(refused.headers, undefined, 'no headers unless enabled');
    // refused before the token is looked at: a bad token still gets 429, not 403
    assert.equal((await send(vault, 'read', 'secret/data/app', { remoteAddress: A, token: 'bogus' })).status, 429);
    assert.equal((await read('kv2/data/none', A)).status, 404, 'another mount is unaffected');
    assert.equal((await read('sys/mounts', A)).status, 200, 'sys/ is unaffected');
    assert.equal((await read('secret/data/app', B)).status, 200, 'another client is unaffected');
  });

  it('limits a path inside a mount, exactly or by `*` prefix', async () => {
    await send(vault, 'update', 'sys/quotas/rate-limit/app', { body: { path: 'secret/data/app*', rate: 1, interval: '1h' } });
    assert.equal(body(await send(vault, 'read', 'sys/quotas/rate-limit/app')).data.path, 'secret/data/app*');
    assert.equal((await read('secret/data/app')).status, 200);
    assert.equal((await read('secret/data/app')).status, 429);
    assert.equal((await read('secret/data/other')).status, 404, 'outside the prefix');
  });

  it('with block_interval, tells a refused client to come back after the block', async () => {
    await send(vault, 'update', 'sys/quotas/config', { body: { enable_rate_limit_response_headers: true } });
    await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret/', rate: 1, interval: 1, block_interval: '90s' } });
    assert.equal((await read('secret/data/app')).status, 200);
    const refused = await read('secret/data/app');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers?.['Retry-After'], '90');
  });

  it('sends X-Ratelimit-* on every limited response and Retry-After on a 429, when enabled', async () => {
    await send(vault, 'update', 'sys/quotas/config', { body: { enable_rate_limit_response_headers: true } });
    assert.equal(body(await send(vault, 'read', 'sys/quotas/config')).data.enable_rate_limit_response_headers, true);
    await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret/', rate: 2, interval: '1h' } });
    const first = await read('secret/data/app');
    assert.equal(first.status, 200);
    assert.equal(body(first).data.data.v, '1');
    assert.equal(first.headers?.['X-Ratelimit-Limit'], '2');
    assert.equal(first.headers?.['X-Ratelimit-Remaining'], '1');
    assert.equal(first.headers?.['Retry-After'], undefined);
    await read('secret/data/app');
    const refused = await read('secret/data/app');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers?.['X-Ratelimit-Remaining'], '0');
    assert.match(refused.headers?.['Retry-After'] ?? '', /^\d+$/);
    assert.equal((await read('kv2/data/none')).headers, undefined, 'no quota, no headers');
  });

  it('never limits exempt paths; Vault’s defaults until configured otherwise', async () => {
    await send(vault, 'update', 'sys/quotas/config', { body: { rate_limit_exempt_paths: ['sys/health', 'sys/seal-status'] } });
    await send(vault, 'update', 'sys/quotas/rate-limit/global', { body: { rate: 1, interval: '1h' } });
    for (let i = 0; i < 3; i++) {
      assert.equal((await send(vault, 'read', 'sys/health', { remoteAddress: A, token: '' })).status, 200);
      assert.equal((await send(vault, 'read', 'sys/seal-status', { remoteAddress: A, token: '' })).status, 200);
    }
    assert.equal((await read('secret/data/app')).status, 200);
    assert.equal((await read('secret/data/app')).status, 429);
    // the operator who set a global quota can still lift it: the sys/quotas path from another address
    assert.equal((await send(vault, 'delete', 'sys/quotas/rate-limit/global', { remoteAddress: B })).status, 204);
  });

  it('a partial config update keeps the settings it does not name', async () => {
    await send(vault, 'update', 'sys/quotas/config', {
      body: { rate_limit_exempt_paths: ['sys/health', 'sys/unseal'], enable_rate_limit_audit_logging: true },
    });
    await send(vault, 'update', 'sys/quotas/config', { body: { enable_rate_limit_response_headers: true } });
    assert.deepEqual(body(await send(vault, 'read', 'sys/quotas/config')).data, {
      rate_limit_exempt_paths: ['sys/health', 'sys/unseal'],
      enable_rate_limit_audit_logging: true,
      enable_rate_limit_response_headers: true,
    });
  });

  it('drops a mount’s quotas when it is disabled, so a mount enabled there again is not limited', async () => {
    await send(vault, 'update', 'sys/mounts/tmp', { body: { type: 'kv', options: { version: '2' } } });
    await send(vault, 'update', 'sys/auth/up', { body: { type: 'userpass' } });
    await send(vault, 'update', 'sys/quotas/rate-limit/tmp', { body: { path: 'tmp/', rate: 1, interval: '1h' } });
    await send(vault, 'update', 'sys/quotas/rate-limit/tmp-app', { body: { path: 'tmp/data/app*', rate: 1, interval: '1h' } });
    await send(vault, 'update', 'sys/quotas/rate-limit/up', { body: { path: 'auth/up/', rate: 1, interval: '1h' } });
    await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret/', rate: 100 } });
    await read('tmp/data/x');
    assert.equal((await read('tmp/data/x')).status, 429);
    assert.equal((await send(vault, 'delete', 'sys/mounts/tmp')).status, 204);
    assert.equal((await send(vault, 'delete', 'sys/auth/up')).status, 204);
    assert.deepEqual(body(await send(vault, 'list', 'sys/quotas/rate-limit')).data.keys, ['kv']);
    assert.equal((await send(vault, 'read', 'sys/quotas/rate-limit/tmp')).status, 404);
    await send(vault, 'update', 'sys/mounts/tmp', { body: { type: 'kv', options: { version: '2' } } });
    for (let i = 0; i < 3; i++) assert.equal((await read('tmp/data/app')).status, 404, 'not 429');
    await send(vault, 'delete', 'sys/mounts/tmp');
  });

  it('moves a mount’s quotas with it on sys/remount, and they still limit', async () => {
    await send(vault, 'update', 'sys/mounts/old', { body: { type: 'kv', options: { version: '2' } } });
    await send(vault, 'update', 'sys/quotas/rate-limit/app', { body: { path: 'old/data/app*', rate: 1, interval: '1h' } });
    await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret/', rate: 100 } });
    await read('old/data/app');
    assert.equal((await read('old/data/app')).status, 429);
    assert.ok((await send(vault, 'update', 'sys/remount', { body: { from: 'old', to: 'new' } })).status < 300);
    assert.equal(body(await send(vault, 'read', 'sys/quotas/rate-limit/app')).data.path, 'new/data/app*');
    assert.equal(body(await send(vault, 'read', 'sys/quotas/rate-limit/kv')).data.path, 'secret/');
    assert.equal((await read('new/data/app')).status, 429, 'the refused client stays refused');
    assert.equal((await read('new/data/app', B)).status, 404);
    assert.equal((await read('new/data/app', B)).status, 429);
    assert.equal((await read('new/data/other', B)).status, 404, 'outside the prefix');
    await send(vault, 'delete', 'sys/mounts/new');
  });

  it('refuses bad input with 400', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ path: 'secret/' }, /missing required field `rate`/],
      [{ path: 'secret/', rate: 0 }, /`rate` must be a number greater than 0/],
      [{ path: 'secret/', rate: -1 }, /`rate` must be a number greater than 0/],
      [{ path: 'secret/', rate: 'fast' }, /`rate` must be a number greater than 0/],
      [{ path: 'nope/', rate: 1 }, /invalid mount path `nope`/],
      [{ path: 'secret/a*b', rate: 1 }, /`\*` may only end it/],
      [{ path: 'secret/', rate: 1, interval: '-1s' }, /interval/],
      [{ path: 'auth/token', rate: 1, role: 'r' }, /role-based quotas are not supported/],
    ];
    for (const [input, message] of bad) {
      const res = await send(vault, 'update', 'sys/quotas/rate-limit/q', { body: input });
      assert.equal(res.status, 400, JSON.stringify(input));
      assert.match(body(res).errors[0], message);
    }
    assert.equal((await send(vault, 'update', 'sys/quotas/rate-limit/bad name', { body: { rate: 1 } })).status, 400);
    await send(vault, 'update', 'sys/quotas/rate-limit/a', { body: { path: 'secret/', rate: 1 } });
    assert.equal((await send(vault, 'update', 'sys/quotas/rate-limit/b', { body: { path: 'secret', rate: 1 } })).status, 400);
    assert.equal((await send(vault, 'list', 'sys/quotas/rate-limit')).status, 200);
  });

  it('keeps quotas and configuration across seal and unseal', async () => {
    await send(vault, 'update', 'sys/quotas/config', { body: { enable_rate_limit_response_headers: true } });
    await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret/', rate: 1, interval: '1h' } });
    assert.equal((await send(vault, 'update', 'sys/seal')).status, 204);
    const key = Buffer.from(vault.unsealKey!).toString('base64');
    assert.equal((await send(vault, 'update', 'sys/unseal', { token: '', body: { key } })).status, 200);
    assert.equal(body(await send(vault, 'read', 'sys/quotas/rate-limit/kv')).data.rate, 1);
    assert.equal(body(await send(vault, 'read', 'sys/quotas/config')).data.enable_rate_limit_response_headers, true);
    assert.equal((await read('secret/data/app')).status, 200);
    const refused = await read('secret/data/app');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers?.['X-Ratelimit-Limit'], '1');
  });

  it('audits refusals only with enable_rate_limit_audit_logging', async () => {
    const dir = await tempDir();
    const file = join(dir, 'audit.log');
    try {
      assert.equal((await send(vault, 'update', 'sys/audit/q', { body: { type: 'file', options: { file_path: file } } })).status, 204);
      await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret/data/quiet', rate: 1, interval: '1h' } });
      await read('secret/data/quiet');
      await read('secret/data/quiet');
      await send(vault, 'update', 'sys/quotas/rate-limit/kv', { body: { path: 'secret/data/loud', rate: 1, interval: '1h' } });
      await send(vault, 'update', 'sys/quotas/config', { body: { enable_rate_limit_audit_logging: true } });
      await read('secret/data/loud');
      await read('secret/data/loud');
      const logged = await entries(file);
      const refusals = logged.filter((e) => /rate limit quota exceeded/.test(e.error ?? ''));
      assert.deepEqual(refusals.map((e) => e.request.path), ['secret/data/loud']);
      assert.equal(refusals[0]!.response.status, 429);
    } finally {
      await send(vault, 'delete', 'sys/audit/q');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
