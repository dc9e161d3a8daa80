import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { combine } from 'shamir-secret-sharing';
import { AesGcmBarrier } from '../barrier/aes-gcm-barrier.js';
import { decryptValue, DIRECT_TERM } from '../barrier/envelope.js';
import { Keyring } from '../barrier/keyring.js';
import { KEYRING_PATH } from '../barrier/reserved-paths.js';
import { ShamirSeal } from '../seal/shamir-seal.js';
import { SqliteBackend } from '../storage/sqlite-backend.js';
import { SealManager } from './seal-manager.js';

/**
 * ARCHITECTURE.md: "Nothing readable is ever written to storage: a storage dump reveals paths,
 * sizes and nothing else." This drives the real stack (SealManager → AesGcmBarrier →
 * SqliteBackend on a file), then scans every byte SQLite left on disk (database, WAL, shared
 * memory) for the secrets and the keys that protect them.
 */
describe('no plaintext at rest', () => {
  it('leaves no secret value, root key, keyring key or unseal key in the database files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sv-at-rest-'));
    try {
      const backend = SqliteBackend.open(join(dir, 'vault.db'));
      const barrier = new AesGcmBarrier(backend);
      const manager = new SealManager({ backend, barrier, onUnsealed: async () => {}, onSealing: async () => {} });
      const { keys } = await manager.initialize({ secret_shares: 3, secret_threshold: 2 });

      const canaries = Array.from({ length: 20 }, (_, i) => `CANARY-${i}-${'x'.repeat(i * 50)}-correct-horse-battery`);
      await Promise.all(canaries.map((c, i) => barrier.put(`secret/data/app${i}`, new TextEncoder().encode(c))));
      await barrier.view('logical/kv/').putJson('config', { password: 'CANARY-json-hunter2' });
      await barrier.rotate();
      await barrier.put('secret/data/after-rotate', new TextEncoder().encode('CANARY-after-rotate'));
      await barrier.upgradeDone();
      await manager.seal();

      // Rebuild every key from what an operator holds, to know what to look for.
      const unsealKey = await combine(keys.slice(0, 2));
      const config = (await new ShamirSeal(backend).config())!;
      const rootKey = await new ShamirSeal(backend).recoverRootKey(keys.slice(0, 2), config);
      const keyring = Keyring.decode(
        decryptValue((t) => (t === DIRECT_TERM ? rootKey : undefined), KEYRING_PATH, (await backend.get(KEYRING_PATH))!),
      );
      const keyringKeys = [keyring.key(1)!, keyring.key(2)!];

      const needles: [string, Buffer][] = [
        ...canaries.map((c): [string, Buffer] => [`canary ${c.slice(0, 9)}`, Buffer.from(c)]),
        ['canary json', Buffer.from('CANARY-json-hunter2')],
        ['canary after rotate', Buffer.from('CANARY-after-rotate')],
        ['common prefix', Buffer.from('CANARY')],
        ...[rootKey, unsealKey, ...keyringKeys, ...keys].flatMap((k, i): [string, Buffer][] => [
          [`key ${i} raw`, Buffer.from(k)],
          [`key ${i} hex`, Buffer.from(Buffer.from(k).toString('hex'))],
          [`key ${i} base64`, Buffer.from(Buffer.from(k).toString('base64'))],
        ]),
      ];

      const scan = async (when: string) => {
        const files = await readdir(dir);
        assert.ok(files.includes('vault.db'));
        for (const file of files) {
          const content = await readFile(join(dir, file));
          for (const [name, needle] of needles) {
            assert.equal(content.includes(needle), false, `${name} found in ${file} (${when})`);
          }
        }
        return files;
      };
      // While open, recent writes sit in the WAL; after close they are checkpointed into the db.
      const openFiles = await scan('while open');
      assert.ok(openFiles.includes('vault.db-wal'));
      // Sanity: the scan can see what is stored in clear — paths.
      const walAndDb = Buffer.concat(await Promise.all(openFiles.map((f) => readFile(join(dir, f)))));
      assert.ok(walAndDb.includes(Buffer.from('secret/data/app7')));

      await backend.close();
      await scan('after close');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
