import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, MapStore, rejectsVault } from '../framework/engine-harness.js';
import { PrefixView } from '../storage/storage-view.js';
import { DEFAULT_EXEMPT_PATHS, ExemptPaths } from './quota-config.js';
import { QuotaTable } from './quota-table.js';
import type { RateLimitQuota } from './rate-limit-quota.js';

const quota = (name: string, mount_path: string, path_suffix: string, rate = 1): RateLimitQuota => ({
  name,
  mount_path,
  path_suffix,
  rate,
  interval: 1,
  block_interval: 0,
  role: '',
  inheritable: false,
});

async function table() {
  const store = new MapStore();
  const clock = new FakeClock();
  const t = new QuotaTable(clock);
  await t.load(new PrefixView(store, 'sys/'));
  return { t, store, clock };
}

/** The quota that metered the request: each quota here allows exactly one request. */
function allowedTwice(t: QuotaTable, path: string, mount: string | undefined, client = '10.0.0.1'): boolean {
  t.check(path, mount, client);
  return t.check(path, mount, client)?.allowed ?? true;
}

describe('QuotaTable', () => {
  it('is inactive with no quota, and then limits nothing', async () => {
    const { t } = await table();
    assert.equal(t.active, false);
    assert.equal(t.check('secret/data/a', 'secret/', '10.0.0.1'), undefined);
  });

  it('applies the most specific quota: exact path, longest prefix, mount, global', async () => {
    const { t } = await table();
    await t.put(quota('global', '', '', 100));
    await t.put(quota('mount', 'secret/', '', 100));
    await t.put(quota('prefix', 'secret/', 'data/app*', 100));
    await t.put(quota('longer', 'secret/', 'data/app/db*', 1));
    await t.put(quota('exact', 'secret/', 'data/app/db', 100));
    assert.equal(t.active, true);
    // only the one-request quota refuses a second request
    assert.equal(allowedTwice(t, 'secret/data/app/db/x', 'secret/'), false, 'longest prefix');
    assert.equal(allowedTwice(t, 'secret/data/app/db', 'secret/'), true, 'exact beats prefix');
    assert.equal(allowedTwice(t, 'secret/data/apple', 'secret/'), true, 'shorter prefix');
    await t.put(quota('mount', 'secret/', '', 1));
    assert.equal(allowedTwice(t, 'secret/metadata/x', 'secret/'), false, 'mount');
    assert.equal(allowedTwice(t, 'transit/keys/k', 'transit/'), true, 'global');
    await t.put(quota('global', '', '', 1));
    assert.equal(allowedTwice(t, 'transit/keys/k', 'transit/'), false, 'global');
    assert.equal(allowedTwice(t, 'nowhere/x', undefined), false, 'an unrouted path meets the global quota');
  });

  it('never limits exempt paths (Vault’s defaults), and follows the configured list', async () => {
    const { t } = await table();
    assert.deepEqual(t.getConfig().rate_limit_exempt_paths, DEFAULT_EXEMPT_PATHS);
    await t.put(quota('global', '', '', 1));
    for (const path of DEFAULT_EXEMPT_PATHS) assert.equal(allowedTwice(t, path, 'sys/'), true, path);
    await t.setConfig({ ...t.getConfig(), rate_limit_exempt_paths: ['secret/data/public*'] });
    assert.equal(allowedTwice(t, 'sys/health', 'sys/'), false);
    assert.equal(allowedTwice(t, 'secret/data/public/x', 'secret/'), true);
  });

  it('reads exempt entries as Vault’s path manager does: prefixes, `*` dropped, `!` exceptions', () => {
    const e = new ExemptPaths(['sys/', '!sys/mounts', 'auth/*']);
    assert.equal(e.has('sys/health'), true);
    assert.equal(e.has('sys/mounts/secret'), false);
    assert.equal(e.has('auth/userpass/login/x'), true);
    assert.equal(e.has('secret/x'), false);
  });

  it('answers with Vault’s headers only when enabled', async () => {
    const { t, clock } = await table();
    await t.put({ ...quota('q', 'secret/', '', 2), interval: 10 });
    assert.equal(t.check('secret/x', 'secret/', 'a')!.headers, undefined);
    await t.setConfig({ ...t.getConfig(), enable_rate_limit_response_headers: true });
    clock.advance(10);
    assert.deepEqual(t.check('secret/x', 'secret/', 'a')!.headers, {
      'X-Ratelimit-Limit': '2',
      'X-Ratelimit-Remaining': '1',
      'X-Ratelimit-Reset': '5',
    });
    t.check('secret/x', 'secret/', 'a');
    const refused = t.check('secret/x', 'secret/', 'a')!;
    assert.equal(refused.allowed, false);
    assert.equal(refused.headers!['Retry-After'], '5');
    assert.equal(refused.headers!['X-Ratelimit-Remaining'], '0');
  });

  it('refuses a second quota on the same target under another name', async () => {
    const { t } = await table();
    await t.put(quota('a', 'secret/', 'data/x'));
    await rejectsVault(t.put(quota('b', 'secret/', 'data/x')), 400, /similar properties exists under the name `a`/);
    await t.put(quota('a', 'secret/', 'data/y'));
    await t.put(quota('b', 'secret/', 'data/x'));
    assert.deepEqual(t.names(), ['a', 'b']);
  });

  it('drops the quotas on a disabled mount and inside it, in storage too, and no others', async () => {
    const { t, store } = await table();
    await t.put(quota('global', '', '', 1));
    await t.put(quota('whole', 'auth/up/', ''));
    await t.put(quota('inside', 'auth/up/', 'login*'));
    await t.put(quota('stale', 'auth/up/old/', ''));
    await t.put(quota('sibling', 'auth/up2/', ''));
    await t.dropMount('auth/up/');
    assert.deepEqual(t.names(), ['global', 'sibling']);
    assert.ok(!store.entries.has('sys/quotas/rate-limit/whole'));
    assert.ok(!store.entries.has('sys/quotas/rate-limit/stale'));
    assert.ok(store.entries.has('sys/quotas/rate-limit/sibling'));
    // the mount's own paths now meet only the global quota (one request each)
    assert.equal(allowedTwice(t, 'auth/up/login/x', 'auth/up/', '10.0.0.9'), false);
    await t.dropMount('auth/up2/');
    await t.dropMount('global/'); // a mount with no quotas writes nothing
    assert.deepEqual(t.names(), ['global']);
  });

  it('moves a remounted mount’s quotas, keeping their clients’ buckets, and persists the move', async () => {
    const { t, store, clock } = await table();
    await t.put(quota('app', 'old/', 'data/app*'));
    await t.put(quota('other', 'older/', ''));
    assert.equal(allowedTwice(t, 'old/data/app/x', 'old/'), false);
    await t.moveMount('old/', 'new/');
    assert.deepEqual(t.get('app'), quota('app', 'new/', 'data/app*'));
    assert.equal(t.get('other')!.mount_path, 'older/');
    assert.equal(t.check('old/data/app/x', undefined, '10.0.0.1'), undefined, 'the old path is free');
    assert.equal(t.check('new/data/app/x', 'new/', '10.0.0.1')!.allowed, false, 'the refused client stays refused');
    assert.equal(allowedTwice(t, 'new/data/app/x', 'new/', '10.0.0.2'), false, 'and the quota still limits');
    const again = new QuotaTable(clock);
    await again.load(new PrefixView(store, 'sys/'));
    assert.equal(again.get('app')!.mount_path, 'new/');
  });

  it('persists through its view, is forgotten on clear, and comes back on load', async () => {
    const { t, store, clock } = await table();
    await t.put(quota('q', 'secret/', ''));
    await t.setConfig({ ...t.getConfig(), enable_rate_limit_audit_logging: true });
    assert.ok(store.entries.has('sys/quotas/rate-limit/q'));
    assert.ok(store.entries.has('sys/quotas/config'));
    t.clear();
    assert.equal(t.active, false);
    assert.deepEqual(t.names(), []);
    const again = new QuotaTable(clock);
    await again.load(new PrefixView(store, 'sys/'));
    assert.deepEqual(again.get('q'), quota('q', 'secret/', ''));
    assert.equal(again.auditRefusals, true);
    await again.remove('q');
    assert.equal(again.active, false);
    assert.ok(!store.entries.has('sys/quotas/rate-limit/q'));
  });
});
