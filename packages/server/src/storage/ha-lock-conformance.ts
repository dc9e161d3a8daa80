import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { sleep } from './lease-keeper.js';
import type { HaLock, StorageBackend } from './storage-backend.js';

/**
 * The one behaviour every HA backend's leader lock must show (STYLE.md, tests tier 3), next to
 * the storage conformance suite. Each "node" is a separate backend instance with its own
 * connections, as separate server processes would have.
 *
 * @param node    a new node's backend, sharing the lock with every node made in the same test
 * @param timing  the lock timing the factory configures (short, so the suite runs in seconds)
 * @param reset   called before each test, e.g. to give the test its own lock namespace
 */
export function describeHaLockConformance(
  name: string,
  node: () => Promise<StorageBackend>,
  timing: { readonly ttlMs: number; readonly retryMs: number },
  reset?: () => void,
): void {
  describe(`ha lock conformance: ${name}`, () => {
    const open: StorageBackend[] = [];
    const newNode = async (): Promise<{ lock: HaLock; backend: StorageBackend }> => {
      if (open.length === 0) reset?.();
      const backend = await node();
      open.push(backend);
      assert.ok(backend.haLock, 'an HA backend offers haLock');
      return { lock: backend.haLock, backend };
    };
    afterEach(async () => {
      for (const b of open.splice(0)) {
        await b.haLock?.release().catch(() => undefined);
        await b.close().catch(() => undefined);
      }
    });

    /** Settles with the promise's outcome, or 'pending' after `ms`. */
    const within = <T>(p: Promise<T>, ms: number) =>
      Promise.race([p.then((v) => ({ v }), (e: unknown) => ({ e })), sleep(ms).then(() => 'pending' as const)]);

    it('reports no leader while nobody holds the lock', async () => {
      const a = await newNode();
      assert.equal(await a.lock.leader(), undefined);
    });

    it('one node wins, the other waits; leader() reports the winner to both', async () => {
      const a = await newNode();
      const b = await newNode();
      const held = await a.lock.acquire('node-a', 'http://a:8200', new AbortController().signal);
      assert.equal(held.lost.aborted, false);
      const waiting = new AbortController();
      const bAcquire = b.lock.acquire('node-b', 'http://b:8200', waiting.signal);
      assert.equal(await within(bAcquire, timing.retryMs * 3), 'pending');
      assert.deepEqual(await a.lock.leader(), { nodeId: 'node-a', advertise: 'http://a:8200' });
      assert.deepEqual(await b.lock.leader(), { nodeId: 'node-a', advertise: 'http://a:8200' });
      // A waiting acquire can be abandoned.
      waiting.abort();
      await assert.rejects(bAcquire);
      assert.equal(held.lost.aborted, false);
    });

    it('release() hands the lock over promptly and fires `lost`', async () => {
      const a = await newNode();
      const b = await newNode();
      const held = await a.lock.acquire('node-a', 'http://a:8200', new AbortController().signal);
      const bAcquire = b.lock.acquire('node-b', 'http://b:8200', new AbortController().signal);
      await sleep(timing.retryMs / 2);
      await a.lock.release();
      assert.equal(held.lost.aborted, true);
      const result = await within(bAcquire, timing.retryMs * 2 + 1_000);
      assert.notEqual(result, 'pending', 'the waiting node takes over within a retry interval');
      assert.deepEqual(await a.lock.leader(), { nodeId: 'node-b', advertise: 'http://b:8200' });
    });

    it('a holder that stops renewing (a dead node) loses the lock to a waiting node', async () => {
      const a = await newNode();
      const b = await newNode();
      await a.lock.acquire('node-a', 'http://a:8200', new AbortController().signal);
      const started = performance.now();
      const bAcquire = b.lock.acquire('node-b', 'http://b:8200', new AbortController().signal);
      // Closing without release() stops the renewals and drops the connections, as kill -9 would.
      await a.backend.close();
      const result = await within(bAcquire, timing.ttlMs + timing.retryMs * 2 + 2_000);
      assert.notEqual(result, 'pending', 'the waiting node takes over once the lease runs out');
      assert.ok(!('e' in (result as object)), `acquire failed: ${String((result as { e?: unknown }).e)}`);
      assert.ok(performance.now() - started >= timing.ttlMs * 0.5, 'the lease was honoured until it ran out');
      assert.deepEqual(await b.lock.leader(), { nodeId: 'node-b', advertise: 'http://b:8200' });
    });

    it('a node can acquire again after releasing', async () => {
      const a = await newNode();
      await a.lock.acquire('node-a', 'http://a:8200', new AbortController().signal);
      await a.lock.release();
      assert.equal(await a.lock.leader(), undefined);
      const again = await a.lock.acquire('node-a', 'http://a2:8200', new AbortController().signal);
      assert.equal(again.lost.aborted, false);
      assert.deepEqual(await a.lock.leader(), { nodeId: 'node-a', advertise: 'http://a2:8200' });
    });
  });
}
