import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { StorageBackend, StorageOp } from './storage-backend.js';

/**
 * The one behaviour every storage backend must show (STYLE.md, tests tier 3). Each backend's
 * test file calls this with a factory; a new backend is done when this suite passes unchanged.
 *
 * @param name      shown in the test report
 * @param factory   returns a fresh, empty backend for each test
 * @param cleanup   called after each test with the backend (already closed), e.g. to delete files
 */
export function describeStorageConformance(
  name: string,
  factory: () => Promise<StorageBackend>,
  cleanup?: (backend: StorageBackend) => Promise<void>,
): void {
  describe(`storage conformance: ${name}`, () => {
    let s: StorageBackend;
    beforeEach(async () => {
      s = await factory();
    });
    afterEach(async () => {
      await s.close();
      await cleanup?.(s);
    });

    const bytes = (text: string) => new TextEncoder().encode(text);
    const collect = async (it: AsyncIterable<string>) => {
      const out: string[] = [];
      for await (const key of it) out.push(key);
      return out;
    };

    it('round-trips get, put and delete', async () => {
      assert.equal(await s.get('a'), undefined);
      await s.put('a', bytes('one'));
      assert.deepEqual(await s.get('a'), bytes('one'));
      await s.delete('a');
      assert.equal(await s.get('a'), undefined);
    });

    it('stores every byte value unchanged, including empty values', async () => {
      const all = new Uint8Array(256 * 4).map((_, i) => i % 256);
      await s.put('bin', all);
      assert.deepEqual(await s.get('bin'), all);
      await s.put('empty', new Uint8Array(0));
      assert.deepEqual(await s.get('empty'), new Uint8Array(0));
    });

    it('copies bytes: later changes to the written or read buffer do not reach storage', async () => {
      const value = bytes('secret');
      const pending = s.put('k', value);
      value.fill(0);
      await pending;
      const read = await s.get('k');
      assert.deepEqual(read, bytes('secret'));
      read!.fill(0);
      assert.deepEqual(await s.get('k'), bytes('secret'));
    });

    it('overwrites', async () => {
      await s.put('k', bytes('v1'));
      await s.put('k', bytes('v2'));
      assert.deepEqual(await s.get('k'), bytes('v2'));
    });

    it('deletes a missing key without error', async () => {
      await s.delete('never/written');
      assert.equal(await s.get('never/written'), undefined);
    });

    it('rejects an empty key', async () => {
      await assert.rejects(s.put('', bytes('x')));
    });

    it('lists one level: sorted, folders with a trailing slash', async () => {
      for (const key of ['a/b', 'a/c/d', 'a/c/e/f', 'a/a', 'a-b', 'ab', 'a/z/', 'b', 'a/ü', 'a/😀']) {
        await s.put(key, bytes(key));
      }
      assert.deepEqual(await s.list('a/'), ['a', 'b', 'c/', 'z/', 'ü', '😀']);
      assert.deepEqual(await s.list(''), ['a-b', 'a/', 'ab', 'b']);
      assert.deepEqual(await s.list('a/c/'), ['d', 'e/']);
      assert.deepEqual(await s.list('a/z/'), []);
    });

    it('lists a key and a folder of the same name side by side', async () => {
      await s.put('x/n', bytes('leaf'));
      await s.put('x/n/child', bytes('child'));
      assert.deepEqual(await s.list('x/'), ['n', 'n/']);
    });

    it('matches the prefix by string, not by whole segments (Vault LIST semantics)', async () => {
      await s.put('app/one', bytes('1'));
      await s.put('apple/two', bytes('2'));
      // `app/` must not see `apple/`; a partial prefix `app` sees both as children.
      assert.deepEqual(await s.list('app/'), ['one']);
      assert.deepEqual(await s.list('app'), ['/', 'le/']);
    });

    it('lists nothing under a missing prefix', async () => {
      assert.deepEqual(await s.list('nothing/'), []);
      assert.deepEqual(await s.list(''), []);
    });

    it('keys() returns every descendant, sorted', async () => {
      const written = ['p/a', 'p/b/c', 'p/b/d/e', 'q/x', 'p/😀'];
      for (const key of written) await s.put(key, bytes(key));
      const keys = await collect(s.keys('p/'));
      assert.deepEqual(keys.sort(), ['p/a', 'p/b/c', 'p/b/d/e', 'p/😀'].sort());
      assert.equal((await collect(s.keys(''))).length, written.length);
    });

    it('keys() tolerates writes while iterating and spans several pages', async () => {
      await Promise.all(Array.from({ length: 1200 }, (_, i) => s.put(`many/${String(i).padStart(4, '0')}`, bytes('v'))));
      let seen = 0;
      for await (const key of s.keys('many/')) {
        seen++;
        await s.put(key, bytes('rewritten'));
      }
      assert.equal(seen, 1200);
      assert.deepEqual(await s.get('many/0999'), bytes('rewritten'));
    });

    it('applies a batch of puts and deletes together', async () => {
      await s.put('batch/old', bytes('old'));
      await s.batch([
        { type: 'put', key: 'batch/a', value: bytes('a') },
        { type: 'delete', key: 'batch/old' },
        { type: 'put', key: 'batch/b', value: bytes('b') },
      ]);
      assert.deepEqual(await s.list('batch/'), ['a', 'b']);
    });

    it('applies nothing of a batch with a failing operation', async () => {
      await s.put('atomic/keep', bytes('keep'));
      // A value that is not bytes cannot be stored by any backend; it sits last, after
      // operations a naive backend would already have applied.
      const bad = { type: 'put', key: 'atomic/bad', value: 'not bytes' } as unknown as StorageOp;
      await assert.rejects(
        s.batch([
          { type: 'put', key: 'atomic/new', value: bytes('new') },
          { type: 'delete', key: 'atomic/keep' },
          bad,
        ]),
      );
      assert.equal(await s.get('atomic/new'), undefined);
      assert.deepEqual(await s.get('atomic/keep'), bytes('keep'));
    });

    it('a failing batch does not fail concurrent writes', async () => {
      const bad = { type: 'put', key: '', value: bytes('x') } as StorageOp;
      const [good, failed, other] = await Promise.allSettled([
        s.put('iso/a', bytes('a')),
        s.batch([{ type: 'put', key: 'iso/b', value: bytes('b') }, bad]),
        s.put('iso/c', bytes('c')),
      ]);
      assert.equal(good.status, 'fulfilled');
      assert.equal(failed.status, 'rejected');
      assert.equal(other.status, 'fulfilled');
      assert.deepEqual(await s.list('iso/'), ['a', 'c']);
    });

    it('persists many concurrent puts', async () => {
      const n = 500;
      await Promise.all(Array.from({ length: n }, (_, i) => s.put(`c/${i}`, bytes(String(i)))));
      for (let i = 0; i < n; i++) assert.deepEqual(await s.get(`c/${i}`), bytes(String(i)));
      assert.equal((await s.list('c/')).length, n);
    });

    it('reads its own writes, even before the write promise settles', async () => {
      const write = s.put('ryw', bytes('v1'));
      assert.deepEqual(await s.get('ryw'), bytes('v1'));
      assert.deepEqual(await s.list(''), ['ryw']);
      await write;
      const del = s.delete('ryw');
      assert.equal(await s.get('ryw'), undefined);
      await del;
      await s.put('ryw', bytes('v2'));
      assert.deepEqual(await s.get('ryw'), bytes('v2'));
    });

    it('reads issued after a write was issued see it, for the key, a parent LIST and a key scan', async () => {
      const pending = [s.put('ryw2/a/x', bytes('1')), s.put('ryw2/b', bytes('2')), s.put('elsewhere', bytes('3'))];
      assert.deepEqual(await s.get('ryw2/b'), bytes('2'));
      assert.deepEqual(await s.list('ryw2/a/'), ['x']);
      assert.deepEqual(await collect(s.keys('ryw2/a/')), ['ryw2/a/x']);
      assert.equal(await s.get('ryw2/never'), undefined);
      await Promise.all(pending);
    });

    it('keeps the last of several queued writes to one key', async () => {
      const writes = [s.put('last', bytes('1')), s.put('last', bytes('2')), s.delete('last'), s.put('last', bytes('3'))];
      await Promise.all(writes);
      assert.deepEqual(await s.get('last'), bytes('3'));
    });
  });
}
