import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParsedCache } from './parsed-cache.js';

/** A promise with its resolver, to hold a storage read or write open. */
function gate<T>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('ParsedCache', () => {
  it('loads a miss once, then serves it; absence is not cached', async () => {
    const cache = new ParsedCache<string>(4);
    let loads = 0;
    const load = async () => (++loads, 'a');
    assert.equal(await cache.read('k', load), 'a');
    assert.equal(await cache.read('k', load), 'a');
    assert.equal(loads, 1);
    let misses = 0;
    const none = async () => (++misses, undefined);
    assert.equal(await cache.read('gone', none), undefined);
    assert.equal(await cache.read('gone', none), undefined);
    assert.equal(misses, 2);
  });

  it('installs what a write returns, and forgets on a delete', async () => {
    const cache = new ParsedCache<string>(4);
    await cache.write('k', async () => ({ value: 'v1', result: undefined }));
    assert.equal(await cache.read('k', async () => assert.fail('must not load')), 'v1');
    await cache.write('k', async () => ({ value: undefined, result: undefined }));
    assert.equal(await cache.read('k', async () => undefined), undefined);
  });

  it('drops a read that raced a write: the reader may hold the value from before it', async () => {
    const cache = new ParsedCache<string>(4);
    const storageRead = gate<string>();
    const reading = cache.read('k', () => storageRead.promise);
    await cache.write('k', async () => ({ value: 'new', result: undefined }));
    storageRead.open('old'); // read before the write committed
    assert.equal(await reading, 'old');
    assert.equal(await cache.read('k', async () => assert.fail('must not load')), 'new');
  });

  it('serves nothing while a write is in flight, and nothing cached after it fails', async () => {
    const cache = new ParsedCache<string>(4);
    await cache.write('k', async () => ({ value: 'v1', result: undefined }));
    const storageWrite = gate<void>();
    const writing = cache.write('k', async () => {
      await storageWrite.promise;
      throw new Error('disk full');
    });
    await Promise.resolve();
    assert.equal(await cache.read('k', async () => 'from storage'), 'from storage');
    storageWrite.open();
    await assert.rejects(writing, /disk full/);
    assert.equal(await cache.read('k', async () => 'v1 again'), 'v1 again');
  });

  it('runs writes of one key in order, so the last write acknowledged is what stays cached', async () => {
    const cache = new ParsedCache<number>(4);
    const first = gate<void>();
    const a = cache.write('k', async () => (await first.promise, { value: 1, result: 'a' }));
    const b = cache.write('k', async () => ({ value: 2, result: 'b' }));
    first.open();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.equal(await cache.read('k', async () => assert.fail('must not load')), 2);
  });

  it('stays within capacity, and drops a read whose key was evicted meanwhile', async () => {
    const cache = new ParsedCache<string>(2);
    const storageRead = gate<string>();
    const reading = cache.read('a', () => storageRead.promise);
    await cache.write('b', async () => ({ value: 'b', result: undefined }));
    await cache.write('c', async () => ({ value: 'c', result: undefined }));
    await cache.write('d', async () => ({ value: 'd', result: undefined })); // evicts b
    storageRead.open('a');
    await reading;
    let loads = 0;
    await cache.read('a', async () => (++loads, 'a'));
    await cache.read('b', async () => (++loads, 'b'));
    assert.equal(loads, 2);
  });

  it('clear() forgets everything and voids reads begun before it', async () => {
    const cache = new ParsedCache<string>(4);
    await cache.write('k', async () => ({ value: 'v', result: undefined }));
    const storageRead = gate<string>();
    const reading = cache.read('j', () => storageRead.promise);
    cache.clear();
    storageRead.open('stale');
    await reading;
    let loads = 0;
    await cache.read('k', async () => (++loads, 'v'));
    await cache.read('j', async () => (++loads, 'j'));
    assert.equal(loads, 2);
  });
});
