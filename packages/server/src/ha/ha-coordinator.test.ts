import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../framework/engine.js';
import type { VaultRequest } from '../pipeline/vault-request.js';
import type { HaLock } from '../storage/storage-backend.js';
import { HaCoordinator } from './ha-coordinator.js';
import { FORWARDED_HEADER } from './request-forwarder.js';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const clock = { now: () => Date.now() };

/** One shared lock, several handles (nodes); `kill()` takes it away as an expired lease would. */
class FakeLockService {
  holder: { nodeId: string; advertise: string; lost: AbortController } | undefined;
  private waiters: (() => void)[] = [];
  handle(): HaLock {
    let mine: AbortController | undefined;
    return {
      acquire: async (nodeId, advertise, signal) => {
        while (this.holder !== undefined) {
          signal.throwIfAborted();
          await new Promise<void>((resolve) => {
            this.waiters.push(resolve);
            signal.addEventListener('abort', () => resolve(), { once: true });
          });
        }
        signal.throwIfAborted();
        mine = new AbortController();
        this.holder = { nodeId, advertise, lost: mine };
        return { lost: mine.signal };
      },
      leader: async () => this.holder && { nodeId: this.holder.nodeId, advertise: this.holder.advertise },
      release: async () => {
        if (mine !== undefined && this.holder?.lost === mine) this.kill();
        mine = undefined;
      },
    };
  }
  kill(): void {
    const h = this.holder;
    this.holder = undefined;
    h?.lost.abort();
    for (const w of this.waiters.splice(0)) w();
  }
}

const until = async (cond: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function node(service: FakeLockService, name: string, events: string[], extra: Partial<ConstructorParameters<typeof HaCoordinator>[0]> = {}) {
  return new HaCoordinator({
    lock: service.handle(),
    apiAddr: `http://${name}:8200`,
    becomeActive: async () => void events.push(`${name} active`),
    becomeStandby: async () => void events.push(`${name} standby`),
    log,
    clock,
    retryMs: 10,
    leaderCacheMs: 0,
    ...extra,
  });
}

describe('HaCoordinator', () => {
  it('the node holding the lock is active; the other is a standby that knows the leader', async () => {
    const service = new FakeLockService();
    const events: string[] = [];
    const a = node(service, 'a', events);
    const b = node(service, 'b', events);
    assert.equal(a.isStandby(), false, 'sealed (not started) is not standby');
    a.start();
    await until(() => a.isActive());
    b.start();
    await until(() => b.isStandby());
    assert.deepEqual(events, ['a active']);
    assert.equal(await b.leaderAddress(), 'http://a:8200');
    assert.deepEqual(await b.leader(), { isSelf: false, leaderAddress: 'http://a:8200', activeTime: '0001-01-01T00:00:00Z' });
    const self = await a.leader();
    assert.equal(self.isSelf, true);
    assert.equal(self.leaderAddress, 'http://a:8200');
    assert.ok(Date.parse(self.activeTime) > 0);
    await a.stop();
    await b.stop();
  });

  it('losing the lock makes the holder a standby and another node takes over', async () => {
    const service = new FakeLockService();
    const events: string[] = [];
    const a = node(service, 'a', events);
    const b = node(service, 'b', events);
    a.start();
    await until(() => a.isActive());
    b.start();
    await until(() => b.isStandby());
    service.kill(); // a's lease ran out
    await until(() => b.isActive() && events.includes('a standby'));
    assert.equal(await a.leaderAddress(), 'http://b:8200');
    await a.stop();
    await b.stop();
  });

  it('stop() steps down first, then releases the lock for a prompt hand-over', async () => {
    const service = new FakeLockService();
    const events: string[] = [];
    const a = node(service, 'a', events);
    const b = node(service, 'b', events);
    a.start();
    await until(() => a.isActive());
    b.start();
    await a.stop();
    assert.equal(a.isStandby(), false);
    await until(() => b.isActive());
    assert.deepEqual(events, ['a active', 'a standby', 'b active']);
    await b.stop();
    assert.equal(service.holder, undefined);
  });

  it('sys/step-down hands over and stays out of the election for a while', async () => {
    const service = new FakeLockService();
    const events: string[] = [];
    const a = node(service, 'a', events, { stepDownBackoffMs: 300 });
    const b = node(service, 'b', events);
    a.start();
    await until(() => a.isActive());
    b.start();
    a.stepDown();
    await until(() => b.isActive());
    await b.stop(); // the lock is free, but a waits out its back-off
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(a.isActive(), false);
    await until(() => a.isActive(), 1_000);
    await a.stop();
  });

  it('gives the lock back when activation fails, and tries again', async () => {
    const service = new FakeLockService();
    let attempts = 0;
    const a = new HaCoordinator({
      lock: service.handle(),
      apiAddr: 'http://a:8200',
      becomeActive: async () => {
        if (++attempts === 1) throw new Error('storage hiccup');
      },
      becomeStandby: async () => undefined,
      log,
      clock,
      retryMs: 10,
    });
    a.start();
    await until(() => a.isActive());
    assert.equal(attempts, 2);
    await a.stop();
  });

  it('never forwards to itself: its own stale lock row means no leader', async () => {
    const service = new FakeLockService();
    service.holder = { nodeId: 'old-process', advertise: 'http://a:8200', lost: new AbortController() };
    const a = node(service, 'a', []);
    a.start();
    await until(() => a.isStandby());
    assert.equal(await a.leaderAddress(), undefined);
    service.kill();
    await until(() => a.isActive());
    await a.stop();
  });

  it('refuses to forward a request that was already forwarded once', async () => {
    const a = node(new FakeLockService(), 'a', [], { forward: async () => ({ status: 200 }) });
    const req = { headers: { [FORWARDED_HEADER]: '1' } } as unknown as VaultRequest;
    await assert.rejects(a.forward(req, 'http://b:8200'), /no active Vault instance found/);
    assert.deepEqual(await a.forward({ headers: {} } as unknown as VaultRequest, 'http://b:8200'), { status: 200 });
  });
});
