import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { KeyedLock } from './keyed-lock.js';

describe('KeyedLock', () => {
  it('serialises work on one key, in arrival order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const job = (name: string, ms: number) =>
      lock.run(['k'], async () => {
        log.push(`${name}+`);
        await delay(ms);
        log.push(`${name}-`);
      });
    await Promise.all([job('a', 10), job('b', 1), job('c', 1)]);
    assert.deepEqual(log, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    assert.equal(lock.size, 0);
  });

  it('lets different keys run in parallel', async () => {
    const lock = new KeyedLock();
    let inside = 0;
    let most = 0;
    const job = (key: string) =>
      lock.run([key], async () => {
        most = Math.max(most, ++inside);
        await delay(5);
        inside--;
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    assert.equal(most, 3);
  });

  it('does not deadlock on overlapping multi-key runs and releases on error', async () => {
    const lock = new KeyedLock();
    const results = await Promise.allSettled([
      lock.run(['x', 'y'], async () => delay(3)),
      lock.run(['y', 'x'], async () => {
        throw new Error('boom');
      }),
      lock.run(['y'], async () => 'done'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(lock.size, 0);
  });
});
