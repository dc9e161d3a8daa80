import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { VaultError } from '../errors.js';
import { InmemBackend } from '../storage/inmem-backend.js';
import type { StorageBackend, StorageOp } from '../storage/storage-backend.js';
import { AesGcmBarrier } from './aes-gcm-barrier.js';
import { valueTerm } from './envelope.js';
import { KEYRING_PATH } from './reserved-paths.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
const isCode = (code: string) => (err: unknown) => err instanceof VaultError && err.code === code;

async function setup(backend: StorageBackend = new InmemBackend()) {
  const rootKey = randomBytes(32);
  const barrier = new AesGcmBarrier(backend);
  await barrier.initialize(rootKey);
  return { backend, barrier, rootKey };
}

/** An inmem backend whose every call takes a random few milliseconds, to shake out races. */
class SlowBackend extends InmemBackend {
  private readonly jitter = () => delay(Math.floor(Math.random() * 3));
  override async get(key: string) {
    await this.jitter();
    return super.get(key);
  }
  override async put(key: string, value: Uint8Array) {
    const copy = Uint8Array.from(value);
    await this.jitter();
    return super.put(key, copy);
  }
  override async batch(ops: readonly StorageOp[]) {
    await this.jitter();
    return super.batch(ops);
  }
}

describe('AesGcmBarrier', () => {
  it('encrypts values on the way down and decrypts them on the way up', async () => {
    const { backend, barrier } = await setup();
    assert.equal(barrier.sealed, false);
    await barrier.put('secret/a', bytes('hunter2'));
    assert.equal(text(await barrier.get('secret/a')), 'hunter2');
    const raw = (await backend.get('secret/a'))!;
    assert.equal(raw[0], 0x01);
    assert.equal(valueTerm(raw), 1);
    assert.ok(!Buffer.from(raw).includes(Buffer.from('hunter2')));
    assert.deepEqual(await barrier.list('secret/'), ['a']);
  });

  it('fails to decrypt a value copied to another key', async () => {
    const { backend, barrier } = await setup();
    await barrier.put('a', bytes('value'));
    await backend.put('b', (await backend.get('a'))!);
    await assert.rejects(barrier.get('b'), isCode('internal'));
  });

  it('fails on a flipped bit anywhere, without revealing key material', async () => {
    const { backend, barrier, rootKey } = await setup();
    await barrier.put('k', bytes('value'));
    const raw = (await backend.get('k'))!;
    for (let i = 0; i < raw.length * 8; i++) {
      const copy = Uint8Array.from(raw);
      copy[i >> 3]! ^= 1 << (i & 7);
      await backend.put('k', copy);
      await assert.rejects(barrier.get('k'), (err: unknown) => {
        assert.ok(isCode('internal')(err), `bit ${i}`);
        const message = (err as Error).message;
        assert.match(message, /^failed to decrypt a stored value: /);
        assert.ok(!message.includes(rootKey.toString('hex')) && !message.includes(rootKey.toString('base64')));
        return true;
      });
    }
  });

  it('throws the sealed error for every operation while sealed', async () => {
    const { barrier } = await setup();
    barrier.seal();
    assert.equal(barrier.sealed, true);
    const sealed = isCode('sealed');
    await assert.rejects(barrier.get('a'), sealed);
    await assert.rejects(barrier.put('a', bytes('x')), sealed);
    await assert.rejects(barrier.delete('a'), sealed);
    await assert.rejects(barrier.list(''), sealed);
    await assert.rejects(barrier.batch([]), sealed);
    await assert.rejects(barrier.view('p/').get('a'), sealed);
    await assert.rejects(barrier.rotate(), sealed);
    await assert.rejects(async () => {
      for await (const _ of barrier.keys('')) void _;
    }, sealed);
    assert.throws(() => barrier.keyStatus(), sealed);
  });

  it('unseals with the right root key and refuses a wrong one', async () => {
    const { barrier, rootKey, backend } = await setup();
    await barrier.put('kept', bytes('v'));
    barrier.seal();
    await assert.rejects(barrier.unseal(randomBytes(32)), isCode('invalid_request'));
    assert.equal(barrier.sealed, true);
    await barrier.unseal(rootKey);
    assert.equal(text(await barrier.get('kept')), 'v');
    // A second barrier over the same storage (a restart) unseals the same way.
    const restarted = new AesGcmBarrier(backend);
    await restarted.unseal(rootKey);
    assert.equal(text(await restarted.get('kept')), 'v');
  });

  it('refuses to initialize twice and to unseal before initialization', async () => {
    const { barrier, rootKey } = await setup();
    await assert.rejects(barrier.initialize(rootKey), /already initialized/);
    await assert.rejects(new AesGcmBarrier(new InmemBackend()).unseal(rootKey), /not initialized/);
  });

  it('refuses client writes to the reserved core keys', async () => {
    const { barrier } = await setup();
    await assert.rejects(barrier.put(KEYRING_PATH, bytes('x')), isCode('invalid_request'));
    await assert.rejects(barrier.batch([{ type: 'delete', key: 'core/root-key' }]), isCode('invalid_request'));
  });

  it('applies a batch through the barrier all or nothing', async () => {
    const { barrier } = await setup();
    await barrier.batch([
      { type: 'put', key: 'b/1', value: bytes('1') },
      { type: 'put', key: 'b/2', value: bytes('2') },
    ]);
    const bad = { type: 'put', key: 'b/3', value: 'no' } as unknown as StorageOp;
    await assert.rejects(barrier.batch([{ type: 'delete', key: 'b/1' }, bad]));
    assert.deepEqual(await barrier.list('b/'), ['1', '2']);
  });

  it('gives engines prefix views', async () => {
    const { barrier } = await setup();
    const view = barrier.view('logical/abc/');
    await view.putJson('cfg', { a: 1 });
    assert.deepEqual(await view.getJson('cfg'), { a: 1 });
    assert.deepEqual(await barrier.list('logical/abc/'), ['cfg']);
  });

  it('reports the key status', async () => {
    const now = new Date('2024-05-01T10:00:00.000Z');
    const barrier = new AesGcmBarrier(new InmemBackend(), { now: () => now });
    await barrier.initialize(randomBytes(32));
    await barrier.put('a', bytes('1'));
    await barrier.put('b', bytes('2'));
    assert.deepEqual(barrier.keyStatus(), { term: 1, install_time: '2024-05-01T10:00:00.000Z', encryptions: 2 });
  });

  it('rotates: old values stay readable, new writes use the new term, the upgrade rewrites the rest', async () => {
    const { backend, barrier, rootKey } = await setup();
    for (let i = 0; i < 50; i++) await barrier.put(`v/${i}`, bytes(`old ${i}`));
    const { term, installTime } = await barrier.rotate();
    assert.equal(term, 2);
    assert.match(installTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.equal(text(await barrier.get('v/0')), 'old 0');
    await barrier.put('fresh', bytes('new'));
    assert.equal(valueTerm((await backend.get('fresh'))!), 2);
    await barrier.upgradeDone();
    for await (const key of backend.keys('v/')) assert.equal(valueTerm((await backend.get(key))!), 2, key);
    for (let i = 0; i < 50; i++) assert.equal(text(await barrier.get(`v/${i}`)), `old ${i}`);
    // The keyring itself still opens with the root key, and holds both terms.
    barrier.seal();
    await barrier.unseal(rootKey);
    assert.equal(barrier.keyStatus().term, 2);
  });

  it('lets client writes made during the upgrade win', async () => {
    const backend = new SlowBackend();
    const { barrier } = await setup(backend);
    const n = 120;
    await Promise.all(Array.from({ length: n }, (_, i) => barrier.put(`race/${i}`, bytes('before'))));
    await barrier.rotate();
    // Overwrite and delete while the upgrader walks the same keys with random latency.
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await delay(Math.floor(Math.random() * 20));
        if (i % 10 === 0) await barrier.delete(`race/${i}`);
        else await barrier.put(`race/${i}`, bytes(`after ${i}`));
      }),
    );
    await barrier.upgradeDone();
    for (let i = 0; i < n; i++) {
      const value = text(await barrier.get(`race/${i}`));
      assert.equal(value, i % 10 === 0 ? undefined : `after ${i}`, `race/${i}`);
    }
    for await (const key of backend.keys('race/')) assert.equal(valueTerm((await backend.get(key))!), 2);
  });

  it('catches writes that encrypted under the old term just before a rotation', async () => {
    const backend = new SlowBackend();
    const { barrier } = await setup(backend);
    const writes = Array.from({ length: 40 }, (_, i) => barrier.put(`late/${i}`, bytes('x')));
    await barrier.rotate();
    await Promise.all(writes);
    await barrier.upgradeDone();
    for await (const key of backend.keys('late/')) assert.equal(valueTerm((await backend.get(key))!), 2, key);
  });

  it('resumes an upgrade cut short by a seal on the next unseal', async () => {
    const backend = new SlowBackend();
    const { barrier, rootKey } = await setup(backend);
    await Promise.all(Array.from({ length: 60 }, (_, i) => barrier.put(`r/${i}`, bytes('v'))));
    await barrier.rotate();
    await delay(5);
    barrier.seal();
    await barrier.upgradeDone();
    await barrier.unseal(rootKey);
    await barrier.upgradeDone();
    for await (const key of backend.keys('r/')) assert.equal(valueTerm((await backend.get(key))!), 2, key);
  });

  it('reports values it cannot upgrade and skips them', async () => {
    const errors: string[] = [];
    const backend = new InmemBackend();
    const barrier = new AesGcmBarrier(backend, { onUpgradeError: (key) => errors.push(key) });
    await barrier.initialize(randomBytes(32));
    await barrier.put('good', bytes('g'));
    // A term-1 header over garbage: looks stale, cannot be decrypted.
    const junk = new Uint8Array(40);
    junk.set([1, 0, 0, 0, 1]);
    await backend.put('junk', junk);
    await barrier.rotate();
    await barrier.upgradeDone();
    assert.deepEqual(errors, ['junk']);
    assert.equal(valueTerm((await backend.get('good'))!), 2);
  });
});
