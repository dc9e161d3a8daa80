import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('commits requests queued in one turn as one group', async () => {
    const groups: number[][] = [];
    const gc = new GroupCommit<number>((reqs) => {
      groups.push([...reqs]);
      return reqs.map(() => undefined);
    });
    await Promise.all([gc.enqueue(1), gc.enqueue(2), gc.enqueue(3)]);
    await gc.enqueue(4);
    assert.deepEqual(groups, [[1, 2, 3], [4]]);
  });

  it('rejects only the requests the commit reports as failed', async () => {
    const gc = new GroupCommit<number>((reqs) => reqs.map((r) => (r === 2 ? new Error('bad') : undefined)));
    const results = await Promise.allSettled([gc.enqueue(1), gc.enqueue(2), gc.enqueue(3)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });

  it('rejects every request when the whole commit throws', async () => {
    const gc = new GroupCommit<number>(() => {
      throw new Error('disk full');
    });
    const results = await Promise.allSettled([gc.enqueue(1), gc.enqueue(2)]);
    assert.ok(results.every((r) => r.status === 'rejected'));
  });

  it('flush() commits synchronously and cancels the scheduled flush', async () => {
    let commits = 0;
    const gc = new GroupCommit<number>((reqs) => {
      commits++;
      return reqs.map(() => undefined);
    });
    const p = gc.enqueue(1);
    assert.equal(gc.pending, 1);
    gc.flush();
    assert.equal(gc.pending, 0);
    assert.equal(commits, 1);
    await p;
    await new Promise((r) => setImmediate(r));
    assert.equal(commits, 1);
  });
});
