import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MapStore } from '../../framework/engine-harness.js';
import { PrefixView } from '../../storage/storage-view.js';
import { KeyCache } from './key-cache.js';
import type { KeyRecord } from './key-record.js';
import { KeyStore } from './key-store.js';
import { b64, FakeClock, mountTransit, rejectsVault, str } from './test-harness.js';

const record = (latestVersion: number): KeyRecord => ({
  name: 'k',
  type: 'aes256-gcm96',
  derived: false,
  exportable: false,
  allowPlaintextBackup: false,
  deletionAllowed: false,
  autoRotatePeriod: 0,
  latestVersion,
  minDecryptionVersion: 1,
  minEncryptionVersion: 0,
  minAvailableVersion: 0,
  versions: { [String(latestVersion)]: { time: 0, creationTime: '', key: b64('k'.repeat(32)), hmacKey: b64('h') } },
});

describe('KeyCache', () => {
  it('fills a miss with a frozen record, and caches an absence as null', () => {
    const cache = new KeyCache(4);
    assert.equal(cache.get('k'), undefined);
    cache.fill('k', record(1), cache.stamp('k'));
    cache.fill('gone', null, cache.stamp('gone'));
    const got = cache.get('k');
    assert.equal(got?.latestVersion, 1);
    assert.ok(Object.isFrozen(got) && Object.isFrozen(got.versions) && Object.isFrozen(got.versions['1']));
    assert.equal(cache.get('gone'), null);
  });

  it('refuses a fill that raced a write, whether the read ended before or after the write', () => {
    const cache = new KeyCache(4);
    const before = cache.stamp('k'); // the reader's stamp, taken before the write began
    cache.beginWrite('k');
    const during = cache.stamp('k'); // another reader's, taken while the write is in flight
    cache.fill('k', record(1), before);
    assert.equal(cache.get('k'), undefined, 'a read from before the write is never installed');
    cache.endWrite('k', record(2));
    cache.fill('k', record(1), before);
    cache.fill('k', record(1), during);
    assert.equal(cache.get('k')?.latestVersion, 2);
  });

  it('caches nothing for a key whose write failed', () => {
    const cache = new KeyCache(4);
    cache.endWrite('k', record(1));
    const stamp = cache.stamp('k');
    cache.beginWrite('k');
    cache.abortWrite('k');
    assert.equal(cache.get('k'), undefined);
    cache.fill('k', record(1), stamp);
    assert.equal(cache.get('k'), undefined);
  });

  it('caches a copy on endWrite, so the writer’s object stays its own', () => {
    const cache = new KeyCache(4);
    const mine = record(1);
    cache.endWrite('k', mine);
    mine.latestVersion = 9;
    assert.equal(cache.get('k')?.latestVersion, 1);
  });

  it('stays within capacity and refuses a fill for an entry evicted meanwhile', () => {
    const cache = new KeyCache(2);
    cache.endWrite('a', record(1));
    const stamp = cache.stamp('a');
    cache.endWrite('b', record(1));
    cache.endWrite('c', record(1)); // evicts a
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a'), undefined);
    cache.fill('a', record(1), stamp);
    assert.equal(cache.get('a'), undefined);
  });

  it('close() forgets everything and holds nothing afterwards', () => {
    const cache = new KeyCache(4);
    cache.endWrite('a', record(1));
    cache.close();
    assert.equal(cache.get('a'), undefined);
    cache.fill('b', record(1), cache.stamp('b'));
    cache.endWrite('c', record(1));
    assert.equal(cache.size, 0);
  });
});

describe('KeyStore caching', () => {
  const setup = async () => {
    const raw = new MapStore();
    const view = new PrefixView(raw, 'logical/x/');
    await new KeyStore(new FakeClock()).upsert(view, 'k', { type: 'aes256-gcm96' });
    return { raw, view, keys: new KeyStore(new FakeClock()) }; // a fresh store: an empty cache
  };

  it('never serves a record read before a write that was acknowledged meanwhile', async () => {
    const { raw, view, keys } = await setup();
    // The first storage read of the key returns what storage held then, but only after a gate.
    const realGet = raw.get.bind(raw);
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    raw.get = async (key) => {
      raw.get = realGet;
      const held = await realGet(key);
      await gate;
      return held;
    };
    const slowRead = keys.get(view, 'k');
    await keys.rotate(view, 'k'); // acknowledged while the read is still in flight
    assert.equal((await keys.get(view, 'k'))?.latestVersion, 2);
    open();
    assert.equal((await slowRead)?.latestVersion, 1, 'the racing read saw the old record…');
    assert.equal((await keys.get(view, 'k'))?.latestVersion, 2, '…but did not cache it');
  });

  it('reads racing a rotation see the new version once it is acknowledged', async () => {
    const { view, keys } = await setup();
    const reads: Promise<KeyRecord | undefined>[] = [];
    for (let i = 0; i < 20; i++) reads.push(keys.get(view, 'k'));
    await keys.rotate(view, 'k');
    const after = await Promise.all(Array.from({ length: 20 }, () => keys.get(view, 'k')));
    assert.ok(after.every((r) => r?.latestVersion === 2));
    await Promise.all(reads);
    assert.equal((await keys.get(view, 'k'))?.latestVersion, 2);
  });

  it('hands readers a frozen record and writers a fresh one; a failed change leaves the cache as it was', async () => {
    const { view, keys } = await setup();
    const cached = await keys.get(view, 'k');
    assert.ok(Object.isFrozen(cached));
    await assert.rejects(
      keys.update(view, 'k', (r) => {
        assert.ok(!Object.isFrozen(r));
        r.minDecryptionVersion = 5;
        throw new Error('validation failed after a partial change');
      }),
    );
    assert.equal((await keys.get(view, 'k'))?.minDecryptionVersion, 1);
  });

  it('reads storage again after close()', async () => {
    const { raw, view, keys } = await setup();
    assert.equal((await keys.get(view, 'k'))?.latestVersion, 1);
    raw.entries.delete('logical/x/policy/k'); // behind the engine's back
    assert.equal((await keys.get(view, 'k'))?.latestVersion, 1, 'served from the cache');
    keys.close();
    assert.equal(await keys.get(view, 'k'), undefined);
  });
});

describe('transit key cache through the engine', () => {
  it('shows every change of a key to the very next encrypt or decrypt', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/app', {});
    const v1 = str((await t.send('update', 'encrypt/app', { plaintext: b64('one') }))?.data, 'ciphertext');
    assert.match(v1, /^vault:v1:/);

    await t.send('update', 'keys/app/rotate');
    const v2 = str((await t.send('update', 'encrypt/app', { plaintext: b64('two') }))?.data, 'ciphertext');
    assert.match(v2, /^vault:v2:/);

    await t.send('update', 'keys/app/config', { min_encryption_version: 2 });
    await rejectsVault(t.send('update', 'encrypt/app', { plaintext: b64('x'), key_version: 1 }), 400, /minimum encryption/);

    await t.send('update', 'keys/app/config', { min_decryption_version: 2 });
    await rejectsVault(t.send('update', 'decrypt/app', { ciphertext: v1 }), 400, /disallowed by policy/);
    assert.equal(str((await t.send('update', 'decrypt/app', { ciphertext: v2 }))?.data, 'plaintext'), b64('two'));

    await t.send('update', 'keys/app/trim', { min_available_version: 2 });
    assert.equal((await t.send('read', 'keys/app'))?.data?.['min_available_version'], 2);

    await t.send('update', 'keys/app/config', { deletion_allowed: true });
    await t.send('delete', 'keys/app');
    await rejectsVault(t.send('update', 'decrypt/app', { ciphertext: v2 }), 400, /encryption key not found/);
    // Encrypting again creates a new key (upsert): v1 of other material, which v2 data never opens.
    assert.match(str((await t.send('update', 'encrypt/app', { plaintext: b64('new') }))?.data, 'ciphertext'), /^vault:v1:/);
    await rejectsVault(t.send('update', 'decrypt/app', { ciphertext: v2 }), 400, /higher than the latest/);
  });

  it('shows a restored key to the very next decrypt', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/app', { exportable: true, allow_plaintext_backup: true });
    const old = str((await t.send('update', 'encrypt/app', { plaintext: b64('kept') }))?.data, 'ciphertext');
    const backup = str((await t.send('read', 'backup/app'))?.data, 'backup');
    await t.send('update', 'keys/app/config', { deletion_allowed: true });
    await t.send('delete', 'keys/app');
    await t.send('update', 'encrypt/app', { plaintext: b64('other key') }); // caches a new key under the name
    await t.send('update', 'restore/app', { backup, force: true });
    assert.equal(str((await t.send('update', 'decrypt/app', { ciphertext: old }))?.data, 'plaintext'), b64('kept'));
  });

  it('shows an automatic rotation to the very next encrypt', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/app', { auto_rotate_period: '1h' });
    assert.match(str((await t.send('update', 'encrypt/app', { plaintext: b64('a') }))?.data, 'ciphertext'), /^vault:v1:/);
    t.clock.advance(3600);
    await t.engine.periodic?.();
    assert.match(str((await t.send('update', 'encrypt/app', { plaintext: b64('b') }))?.data, 'ciphertext'), /^vault:v2:/);
  });

  it('drops the cache when the engine closes (seal, unmount)', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/app', {});
    const ct = str((await t.send('update', 'encrypt/app', { plaintext: b64('x') }))?.data, 'ciphertext');
    for (const key of [...t.store.entries.keys()]) if (key.endsWith('/policy/app')) t.store.entries.delete(key);
    // Still cached: the deletion went around the engine.
    assert.equal(str((await t.send('update', 'decrypt/app', { ciphertext: ct }))?.data, 'plaintext'), b64('x'));
    await t.engine.close?.();
    await rejectsVault(t.send('update', 'decrypt/app', { ciphertext: ct }), 400, /encryption key not found/);
  });
});
