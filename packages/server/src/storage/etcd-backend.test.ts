import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { EtcdBackend } from './etcd-backend.js';
import { EtcdGateway, prefixEnd } from './etcd-gateway.js';
import { startEtcd, type EtcdTestServer } from './etcd-test-server.js';
import { describeHaLockConformance } from './ha-lock-conformance.js';
import { describeStorageConformance } from './storage-conformance.js';

/**
 * The shared suites against a real etcd started for this file (see etcd-test-server.ts).
 * Without an etcd binary the suites are skipped locally and fail under CI=true.
 */
const etcd: EtcdTestServer | undefined = await startEtcd();
after(async () => etcd?.stop());
const skip = etcd === undefined ? 'etcd binary not found (apt-get install etcd-server, or set ETCD_BIN)' : false;

const endpoints = () => [etcd!.url];
/** Each test gets its own key space, so tests never see each other's keys. */
const freshPath = () => `t-${randomBytes(6).toString('hex')}/`;

describe('etcd', { skip }, () => {
  describeStorageConformance('etcd', async () => new EtcdBackend({ endpoints: endpoints(), path: freshPath() }));

  const timing = { ttlMs: 3_000, renewMs: 1_000, retryMs: 300 };
  let lockPath = freshPath();
  describeHaLockConformance(
    'etcd',
    async () => new EtcdBackend({ endpoints: endpoints(), path: lockPath, haEnabled: true, haTiming: timing }),
    timing,
    () => void (lockPath = freshPath()),
  );

  describe('etcd backend', () => {
    let gateway: EtcdGateway;
    before(() => {
      gateway = new EtcdGateway(endpoints());
    });

    it('keeps data under <path>kv/ and the leader key beside it', async () => {
      const path = freshPath();
      const backend = new EtcdBackend({ endpoints: endpoints(), path, haEnabled: true });
      await backend.put('a/b', new Uint8Array([7]));
      await backend.haLock!.acquire('n1', 'http://n1:8200', new AbortController().signal);
      const { kvs } = await gateway.range(Buffer.from(path), prefixEnd(Buffer.from(path)), { keysOnly: true });
      assert.deepEqual(kvs.map((kv) => kv.key.toString()), [`${path}kv/a/b`, `${path}leader`]);
      assert.deepEqual(await backend.list(''), ['a/']);
      await backend.haLock!.release();
      await backend.close();
    });

    it('splits a flood of writes into transactions within etcd’s operation limit', async () => {
      const backend = new EtcdBackend({ endpoints: endpoints(), path: freshPath(), maxTxnOps: 16 });
      await Promise.all(Array.from({ length: 100 }, (_, i) => backend.put(`k/${i}`, new Uint8Array([i]))));
      assert.equal((await backend.list('k/')).length, 100);
      await backend.close();
    });

    it('computes range ends like etcd’s WithPrefix', () => {
      assert.deepEqual(prefixEnd(Buffer.from('a/')), Buffer.from('a0'));
      assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff])), Buffer.from('b'));
      assert.deepEqual(prefixEnd(Buffer.from([0xff])), Buffer.from([0]));
    });

    it('names the endpoint problem when etcd cannot be reached', async () => {
      const dead = new EtcdBackend({ endpoints: ['http://127.0.0.1:9'] });
      await assert.rejects(dead.get('x'), /etcd: no endpoint reachable/);
      await dead.close();
    });
  });
});
