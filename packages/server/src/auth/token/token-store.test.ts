import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefixView } from '../../storage/storage-view.js';
import { SYSTEM_MAX_TTL } from './token-entry.js';
import { randomBase62 } from './token-id.js';
import { TokenStore } from './token-store.js';
import { ManualClock, MemoryStore, unsealedBarrier } from './test-harness.js';

async function setup() {
  const raw = new MemoryStore();
  const clock = new ManualClock();
  const revoked: string[] = [];
  const barrier = await unsealedBarrier();
  const store = new TokenStore(new PrefixView(raw, 'sys/token/'), clock, barrier, {
    onRevoke: async (e) => {
      revoked.push(e.hash);
    },
  });
  await store.setup();
  return { raw, clock, store, revoked, barrier };
}

describe('token ids', () => {
  it('are s. + 24 base62 characters; accessors 24 base62', async () => {
    const { store } = await setup();
    const { token, entry } = await store.create({ policies: ['dev'], path: 'auth/token/create' });
    assert.match(token, /^s\.[0-9A-Za-z]{24}$/);
    assert.match(entry.accessor, /^[0-9A-Za-z]{24}$/);
  });
  it('base62 output covers the alphabet evenly enough', () => {
    const counts = new Map<string, number>();
    for (const ch of randomBase62(62_000)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    assert.equal(counts.size, 62);
    for (const n of counts.values()) assert.ok(n > 800 && n < 1200, `count ${n}`);
  });
});

describe('TokenStore', () => {
  it('never stores a token, and accessors only inside their entry', async () => {
    const { raw, store } = await setup();
    const root = await store.createRoot();
    const child = await store.create({ policies: ['a'], parentHash: root.entry.hash, path: 'auth/token/create' });
    const grandchild = await store.create({ policies: ['a'], parentHash: child.entry.hash, path: 'auth/token/create' });
    for (const t of [root, child, grandchild]) {
      for (const [key, value] of raw.dump()) {
        assert.ok(!key.includes(t.token) && !value.includes(t.token), `token leaked at ${key}`);
        assert.ok(!key.includes(t.entry.accessor), `accessor in key ${key}`);
        if (value.includes(t.entry.accessor)) assert.equal(key, `sys/token/id/${t.entry.hash}`);
      }
    }
    assert.ok(raw.map.has(`sys/token/parent/${child.entry.hash}/${grandchild.entry.hash}`));
  });

  it('sanitizes policies: sorted, deduplicated, default added but never beside root', async () => {
    const { store } = await setup();
    const a = await store.create({ policies: ['b', 'a', 'b'], path: 'p' });
    assert.deepEqual(a.entry.policies, ['a', 'b', 'default']);
    const b = await store.create({ policies: ['b'], noDefaultPolicy: true, path: 'p' });
    assert.deepEqual(b.entry.policies, ['b']);
    const root = await store.createRoot();
    assert.deepEqual(root.entry.policies, ['root']);
    assert.equal(root.entry.displayName, 'root');
    assert.equal(root.entry.expireTime, 0);
    assert.equal(root.entry.renewable, false);
  });

  it('gives non-root tokens the 768h system default and caps longer ttls', async () => {
    const { store } = await setup();
    assert.equal((await store.create({ policies: ['a'], path: 'p' })).entry.ttl, SYSTEM_MAX_TTL);
    const capped = await store.create({ policies: ['a'], ttl: SYSTEM_MAX_TTL * 2, path: 'p' });
    assert.equal(capped.entry.ttl, SYSTEM_MAX_TTL);
    assert.equal(capped.warnings.length, 1);
    assert.equal((await store.create({ policies: ['a'], ttl: 60, explicitMaxTtl: 30, path: 'p' })).entry.ttl, 30);
    assert.equal((await store.create({ policies: ['a'], period: 600, path: 'p' })).entry.ttl, 600);
  });

  it('revokes a whole tree, grandchildren first', async () => {
    const { store, revoked } = await setup();
    const root = await store.createRoot();
    const parent = await store.create({ policies: ['a'], parentHash: root.entry.hash, path: 'p' });
    const child = await store.create({ policies: ['a'], parentHash: parent.entry.hash, path: 'p' });
    const grandchild = await store.create({ policies: ['a'], parentHash: child.entry.hash, path: 'p' });
    await store.revoke(parent.entry.hash);
    for (const t of [parent, child, grandchild]) assert.equal(await store.lookup(t.token), undefined);
    assert.ok(await store.lookup(root.token));
    assert.deepEqual(revoked, [grandchild.entry.hash, child.entry.hash, parent.entry.hash]);
  });

  it('revokeOrphan keeps children alive as orphans', async () => {
    const { raw, store } = await setup();
    const root = await store.createRoot();
    const parent = await store.create({ policies: ['a'], parentHash: root.entry.hash, path: 'p' });
    const child = await store.create({ policies: ['a'], parentHash: parent.entry.hash, path: 'p' });
    const grandchild = await store.create({ policies: ['a'], parentHash: child.entry.hash, path: 'p' });
    await store.revokeOrphan(parent.entry.hash);
    assert.equal(await store.lookup(parent.token), undefined);
    const orphan = await store.lookup(child.token);
    assert.ok(orphan);
    assert.equal(orphan.parent, undefined);
    assert.ok(!raw.map.has(`sys/token/parent/${parent.entry.hash}/${child.entry.hash}`));
    // The grandchild still hangs off the (now orphan) child.
    await store.revoke(child.entry.hash);
    assert.equal(await store.lookup(grandchild.token), undefined);
  });

  it('consumes uses and reports the last one; a racing use is refused', async () => {
    const { store } = await setup();
    const { token } = await store.create({ policies: ['a'], numUses: 2, path: 'p' });
    const first = await store.lookup(token);
    assert.ok(first);
    assert.equal(await store.consumeUse(first), false);
    const second = await store.lookup(token);
    assert.ok(second);
    assert.equal(second.numUses, 1);
    const racing = await store.lookup(token);
    assert.ok(racing);
    assert.equal(await store.consumeUse(second), true);
    await assert.rejects(store.consumeUse(racing), { status: 403 });
    // Unusable at once, still visible to the request that used it until it is revoked.
    assert.equal(await store.lookup(token), undefined);
    assert.ok(await store.lookupByHash(second.hash, { includeExhausted: true }));
    await store.revoke(second.hash);
    assert.equal(await store.lookupByHash(second.hash, { includeExhausted: true }), undefined);
  });

  it('expires tokens by the clock and revokes them lazily', async () => {
    const { store, clock, revoked } = await setup();
    const { token, entry } = await store.create({ policies: ['a'], ttl: 60, path: 'p' });
    clock.advance(59);
    assert.ok(await store.lookup(token));
    clock.advance(1);
    assert.equal(await store.lookup(token), undefined);
    assert.deepEqual(revoked, [entry.hash]);
  });

  it('renews within explicit max and system max; periodic tokens renew to their period', async () => {
    const { store, clock } = await setup();
    const limited = await store.create({ policies: ['a'], ttl: 60, explicitMaxTtl: 100, path: 'p' });
    clock.advance(50);
    let renewed = await store.renew(limited.entry, 3600);
    assert.equal(renewed.ttl, 50);
    assert.ok(renewed.lastRenewalTime > 0);
    const plain = await store.create({ policies: ['a'], ttl: 60, path: 'p' });
    renewed = await store.renew(plain.entry, 0);
    assert.equal(renewed.ttl, 60);
    renewed = await store.renew(plain.entry, SYSTEM_MAX_TTL * 2);
    assert.equal(renewed.ttl, SYSTEM_MAX_TTL);
    const periodic = await store.create({ policies: ['a'], period: 300, path: 'p' });
    clock.advance(SYSTEM_MAX_TTL);
    assert.equal((await store.renew(periodic.entry, 10)).ttl, 300);
    const fixed = await store.create({ policies: ['a'], ttl: 60, renewable: false, path: 'p' });
    await assert.rejects(store.renew(fixed.entry), { status: 400, message: 'lease is not renewable' });
  });

  it('looks up by accessor and lists accessors', async () => {
    const { store } = await setup();
    const a = await store.create({ policies: ['a'], path: 'p' });
    const b = await store.create({ policies: ['b'], path: 'p' });
    assert.equal((await store.lookupByAccessor(a.entry.accessor))?.hash, a.entry.hash);
    assert.equal(await store.lookupByAccessor('nope'), undefined);
    assert.deepEqual(store.listAccessors(), [a.entry.accessor, b.entry.accessor].sort());
    await store.revoke(a.entry.hash);
    assert.deepEqual(store.listAccessors(), [b.entry.accessor]);
  });

  it('reloads from storage with the same salt; finishes revoking used-up tokens', async () => {
    const { raw, clock, store, barrier } = await setup();
    const kept = await store.create({ policies: ['a'], path: 'p' });
    const used = await store.create({ policies: ['a'], numUses: 1, path: 'p' });
    await store.consumeUse(used.entry);
    const again = new TokenStore(new PrefixView(raw, 'sys/token/'), clock, barrier);
    await again.setup();
    assert.equal((await again.lookup(kept.token))?.accessor, kept.entry.accessor);
    assert.equal(await again.lookupByHash(used.entry.hash, { includeExhausted: true }), undefined);
  });

  it('maps tokens to request auth', async () => {
    const { store } = await setup();
    const root = await store.createRoot('my-root');
    assert.equal(root.token, 'my-root');
    const auth = store.toRequestAuth(root.token, root.entry);
    assert.equal(auth.isRoot, true);
    assert.deepEqual(auth.principal, { type: 'Token', id: root.entry.accessor });
    const user = await store.create({ policies: ['a'], path: 'p', principal: { type: 'User', id: 'alice' } });
    assert.deepEqual(store.toRequestAuth(user.token, user.entry).principal, { type: 'User', id: 'alice' });
    await assert.rejects(store.createRoot('my-root'), { status: 400 });
  });
});
