import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseHandlers, MountEntry } from '../framework/engine.js';
import { MapStore, rejectsVault, testMount } from '../framework/engine-harness.js';
import { PrefixView } from '../storage/storage-view.js';
import { ExpirationManager } from './expiration-manager.js';
import type { LeaseEntry } from './lease-entry.js';

const clock = { now: () => Date.now() };
const log = { debug() {}, info() {}, warn() {}, error() {} };
const fast = { baseBackoffMs: 20, maxBackoffMs: 40, irrevocableRetryMs: 60, maxAttempts: 3 };

/** A fake engine whose revocations can be made to fail, recording what it revoked. */
function fakeEngine() {
  const revoked: string[] = [];
  const renewed: number[] = [];
  let failures = 0;
  const handlers: LeaseHandlers = {
    async revoke(internal) {
      if (failures > 0) {
        failures--;
        throw new Error('database unreachable');
      }
      revoked.push(String(internal['user']));
    },
    async renew(_internal, { ttl }) {
      renewed.push(ttl);
    },
  };
  return { handlers, revoked, renewed, failNext: (n: number) => (failures = n) };
}

/** Polls until `check` holds (timers run late on a loaded machine); fails after `ms`. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

function setup(store = new MapStore(), options: Partial<typeof fast> = {}) {
  const engine = fakeEngine();
  const mount: MountEntry = testMount({ path: 'database/', type: 'database' });
  const view = new PrefixView(store, 'sys/expire/');
  const lookup = (lease: LeaseEntry) => (lease.mountUuid === mount.uuid ? engine.handlers : undefined);
 const manager = new ExpirationManager(view, clock, log, lookup, { ...fast, ...options });
  const issue = (user: string, ttlSeconds: number, extra: { tokenHash?: string; maxTtlSeconds?: number } = {}) =>
    manager.register({
      mount,
      path: 'database/creds/readonly',
      secret: { ttl: ttlSeconds, renewable: true, type: 'creds', internal: { user } },
      ttlSeconds,
      maxTtlSeconds: extra.maxTtlSeconds ?? 3600,
      ...(extra.tokenHash !== undefined && { tokenHash: extra.tokenHash }),
    });
  return { engine, mount, view, store, manager, issue, lookup };
}

describe('ExpirationManager', () => {
  it('revokes a lease at expiry through its engine, without any call, and forgets it', async () => {
    const { engine, manager, issue, store } = setup();
    const lease = await issue('v-app-1', 0.15);
    assert.match(lease.id, /^database\/creds\/readonly\/[A-Za-z0-9_-]{24}$/);
    assert.equal(manager.lookup(lease.id)?.id, lease.id);
    await eventually(() => manager.lookup(lease.id) === undefined);
    assert.deepEqual(engine.revoked, ['v-app-1']);
    assert.equal([...store.entries.keys()].some((k) => k.includes(lease.id)), false);
    manager.stop();
  });

  it('retries a failed revocation with backoff and revokes once the engine recovers', async () => {
    const { engine, manager, issue } = setup();
    engine.failNext(2);
    const lease = await issue('v-app-2', 0.05);
    await eventually(() => manager.lookup(lease.id) === undefined);
    assert.deepEqual(engine.revoked, ['v-app-2']);
    manager.stop();
  });

  it('marks a lease irrevocable after the retries, reports it, and keeps retrying slowly', async () => {
    const { engine, manager, issue } = setup(new MapStore(), { irrevocableRetryMs: 400 });
    engine.failNext(4);
    const lease = await issue('v-app-3', 0.01);
    await eventually(() => manager.lookup(lease.id)?.irrevocable === true);
    const stuck = manager.lookup(lease.id)!;
    assert.equal(stuck.revokeError, 'database unreachable');
    assert.deepEqual(manager.irrevocable().map((l) => l.id), [lease.id]);
    assert.deepEqual(engine.revoked, [], 'not revoked yet: the slow retries are still to come');
    await eventually(() => manager.lookup(lease.id) === undefined);
    assert.deepEqual(engine.revoked, ['v-app-3']);
    manager.stop();
  });

  it('renews by the increment, capped at the max TTL, and refuses unrenewable leases', async () => {
    const { engine, manager, issue, mount } = setup();
    const lease = await issue('v-app-4', 60, { maxTtlSeconds: 100 });
    const renewed = await manager.renew(lease.id, 30);
    assert.ok(Math.abs(renewed.expireTime - (Date.now() + 30_000)) < 1000);
    const capped = await manager.renew(lease.id, 10_000);
    assert.ok(capped.expireTime <= lease.maxExpireTime);
    assert.ok(capped.expireTime > Date.now() + 98_000);
    assert.equal(engine.renewed.length, 2);
    const fixed = await manager.register({
      mount,
      path: 'database/creds/fixed',
      secret: { ttl: 60, renewable: false, type: 'creds', internal: { user: 'x' } },
      ttlSeconds: 60,
      maxTtlSeconds: 60,
    });
    await rejectsVault(manager.renew(fixed.id, 10), 400, 'lease is not renewable');
    await rejectsVault(manager.renew('database/creds/nope/abc', 10), 400);
    manager.stop();
  });

  it('restores persisted leases on a new manager (unseal) and still revokes them on time', async () => {
    const first = setup();
    const lease = await first.issue('v-app-5', 0.3);
    first.manager.stop();
    const second = new ExpirationManager(first.view, clock, log, first.lookup, fast);
    await second.restore();
    assert.equal(second.lookup(lease.id)?.id, lease.id);
    await eventually(() => second.count === 0);
    assert.deepEqual(first.engine.revoked, ['v-app-5']);
    assert.equal(second.count, 0);
    second.stop();
  });

  it('revokes every lease of a token, and by prefix; lists one level', async () => {
    const { engine, manager, issue, mount } = setup();
    await issue('a', 600, { tokenHash: 't1' });
    await issue('b', 600, { tokenHash: 't1' });
    await issue('c', 600, { tokenHash: 't2' });
    await manager.register({
      mount,
      path: 'database/creds/other',
      secret: { ttl: 600, renewable: true, type: 'creds', internal: { user: 'd' } },
      ttlSeconds: 600,
      maxTtlSeconds: 600,
    });
    assert.deepEqual(manager.list('database/creds/'), ['other/', 'readonly/']);
    assert.equal(manager.list('database/creds/readonly/').length, 3);
    await manager.revokeByToken('t1');
    await eventually(() => engine.revoked.length === 2);
    assert.deepEqual(engine.revoked.sort(), ['a', 'b']);
    await manager.revokePrefix('database/creds/readonly');
    assert.deepEqual(engine.revoked.sort(), ['a', 'b', 'c']);
    assert.deepEqual(manager.list('database/creds/'), ['other/']);
    manager.stop();
  });

  it('revoke-force removes the record even when the engine fails; a plain sync revoke reports the failure', async () => {
    const { engine, manager, issue } = setup();
    const a = await issue('a', 600);
    const b = await issue('b', 600);
    engine.failNext(1);
    await rejectsVault(manager.revoke(a.id, { sync: true }), 400, /will be retried/);
    assert.ok(manager.lookup(a.id), 'kept for retry');
    engine.failNext(5);
    await manager.revoke(b.id, { force: true });
    assert.equal(manager.lookup(b.id), undefined);
    manager.stop();
  });
});
