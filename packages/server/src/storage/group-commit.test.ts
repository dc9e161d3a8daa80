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

  it('tells which queued group writes a key, and settles it after the commit', async () => {
    const committed: number[][] = [];
    const gc = new GroupCommit<number[]>(
      (reqs) => {
        committed.push(reqs.flat());
        return reqs.map(() => undefined);
      },
      (req) => req.map(String),
    );
    const write = gc.enqueue([1, 2]);
    const waitFor1 = gc.settledFor('1');
    assert.ok(waitFor1 !== undefined);
    assert.equal(gc.settledFor('3'), undefined);
    assert.ok(gc.settledForPrefix('') !== undefined);
    assert.equal(gc.settledForPrefix('9'), undefined);
    await waitFor1;
    // Waiting did not flush early: the group committed on its own schedule, once, and the
    // writer's promise settled before the readers were let through.
    assert.deepEqual(committed, [[1, 2]]);
    await write;
    assert.equal(gc.settledFor('1'), undefined);
  });

  it('settles a group that failed as a whole, so readers waiting on it go on', async () => {
    const gc = new GroupCommit<string>(
      () => {
        throw new Error('disk full');
      },
      (req) => [req],
    );
    const write = gc.enqueue('k');
    await gc.settledFor('k');
    await assert.rejects(write, /disk full/);
  });
});
