import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VaultClient } from './client.js';
import { SealedError, UnavailableError } from './errors.js';
import { closedPort, fakeKv, sopsFixtures } from './fake-kv.test-helper.js';
import { startFakeVault, type FakeVault } from './fake-vault.test-helper.js';
import { KvCache } from './kv-cache.js';
import type { SdkLogger } from './logger.js';

function captureLogger(): SdkLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message) => lines.push(message) };
}

describe('several addresses', () => {
  let fake: FakeVault;
  let sealed: FakeVault;
  before(async () => {
    fake = await startFakeVault(fakeKv().handler);
    sealed = await startFakeVault(() => ({ status: 503, body: { errors: ['Vault is sealed'] } }));
  });
  after(async () => {
    await fake.close();
    await sealed.close();
  });

  it('skips a closed port and stays on the server that answered', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const client = new VaultClient({ addresses: [dead, fake.address], token: 't' });
    await client.kv().put('a', { value: '1' });
    assert.equal(client.address, fake.address);
    assert.deepEqual((await client.kv().get('a')).data.data, { value: '1' });
  });

  it('skips a sealed (503) node', async () => {
    const client = new VaultClient({ addresses: [sealed.address, fake.address], token: 't' });
    await client.kv().put('b', { value: '2' });
    assert.equal(client.address, fake.address);
  });

  it('throws the last failure when no node answers', async () => {
    const client = new VaultClient({ addresses: [`http://127.0.0.1:${await closedPort()}`, sealed.address], token: 't' });
    await assert.rejects(client.kv().get('a'), SealedError);
  });
});

describe('KV read cache', () => {
  let fake: FakeVault;
  let client: VaultClient;
  before(async () => {
    fake = await startFakeVault(fakeKv().handler);
    client = new VaultClient({ address: fake.address, token: 't', cache: { ttl: 60, maxSize: 10_000 } });
  });
  beforeEach(() => (fake.requests.length = 0));
  after(() => fake.close());

  const reads = () => fake.requests.filter((r) => r.method === 'GET').length;

  it('serves repeated reads with one request', async () => {
    await client.kv().put('c', { value: 'x' });
    for (let i = 0; i < 5; i++) assert.deepEqual((await client.kv().get('c')).data.data, { value: 'x' });
    assert.equal(reads(), 1);
  });

  it('is invalidated by the client\'s own writes', async () => {
    await client.kv().put('d', { value: 'old' });
    await client.kv().get('d');
    await client.kv().put('d', { value: 'new' });
    assert.deepEqual((await client.kv().get('d')).data.data, { value: 'new' });
    assert.equal(reads(), 2);
  });

  it('returns copies: a caller mutating a result does not change the cache', async () => {
    await client.kv().put('e', { value: 'v' });
    const first = await client.kv().get<{ value: string }>('e');
    first.data.data!.value = 'changed';
    assert.equal((await client.kv().get<{ value: string }>('e')).data.data!.value, 'v');
  });
});

describe('KvCache', () => {
  it('evicts the least recently used entries beyond max bytes', () => {
    const cache = new KvCache(60_000, 100);
    const big = { v: 'x'.repeat(30) }; // 40 bytes of JSON
    cache.set('a', undefined, big);
    cache.set('b', undefined, big);
    cache.get('a', undefined); // a is now more recent than b
    cache.set('c', undefined, big);
    assert.ok(cache.size <= 100);
    assert.equal(cache.get('b', undefined), undefined);
    assert.deepEqual(cache.get('a', undefined), big);
    assert.deepEqual(cache.get('c', undefined), big);
  });

  it('expires entries after the ttl and never stores one larger than the bound', () => {
    let now = 0;
    const cache = new KvCache(1000, 50, () => now);
    cache.set('a', undefined, { v: 1 });
    now = 999;
    assert.deepEqual(cache.get('a', undefined), { v: 1 });
    now = 1000;
    assert.equal(cache.get('a', undefined), undefined);
    cache.set('huge', undefined, { v: 'y'.repeat(100) });
    assert.equal(cache.size, 0);
  });

  it('invalidates a secret and everything below it, all versions', () => {
    const cache = new KvCache(60_000, 1000);
    cache.set('secret/a', undefined, 1);
    cache.set('secret/a', 2, 2);
    cache.set('secret/a/b', undefined, 3);
    cache.set('secret/ab', undefined, 4);
    cache.invalidate('secret/a');
    assert.equal(cache.get('secret/a', undefined), undefined);
    assert.equal(cache.get('secret/a', 2), undefined);
    assert.equal(cache.get('secret/a/b', undefined), undefined);
    assert.equal(cache.get('secret/ab', undefined), 4);
  });
});

describe('SOPS fallback', () => {
  const fixtures = sopsFixtures();
  const fallback = { sops: join(fixtures, 'example.yaml'), ageKeyFile: join(fixtures, 'keys.txt') };

  it('answers a read from the SOPS file when the server is down, with a warning', async () => {
    const logger = captureLogger();
    const client = new VaultClient({ address: `http://127.0.0.1:${await closedPort()}`, token: 't', fallback, logger });
    const res = await client.kv().get('app2/db/password');
    assert.deepEqual(res.data.data, { value: 'c4r1b0u' });
    assert.equal(logger.lines.length, 1);
    assert.match(logger.lines[0]!, /served read-only from sops file/);
    assert.doesNotMatch(logger.lines[0]!, /c4r1b0u/);
    assert.deepEqual((await client.kv().get('app2/db')).data.data, { user: 'eve', password: 'c4r1b0u' });
    assert.deepEqual(await client.kv().list('app2'), ['db/', 'key']);
  });

  it('rethrows the UnavailableError for a path the file does not hold, and for versions', async () => {
    const client = new VaultClient({ address: `http://127.0.0.1:${await closedPort()}`, token: 't', fallback, logger: captureLogger() });
    await assert.rejects(client.kv().get('not/there'), UnavailableError);
    await assert.rejects(client.kv().get('myapp1', { version: 1 }), UnavailableError);
  });

  it('warns and rethrows when the file cannot be opened', async () => {
    const logger = captureLogger();
    const client = new VaultClient({
      address: `http://127.0.0.1:${await closedPort()}`,
      token: 't',
      fallback: { sops: fallback.sops, ageKeyFile: join(fixtures, 'example.ini') },
      logger,
    });
    await assert.rejects(client.kv().get('myapp1'), UnavailableError);
    assert.match(logger.lines[0]!, /sops fallback unusable/);
  });

  it('is not used while the server answers', async () => {
    const fake = await startFakeVault(fakeKv().handler);
    try {
      const logger = captureLogger();
      const client = new VaultClient({ address: fake.address, token: 't', fallback, logger });
      await client.kv().put('myapp1', { value: 'from-vault' });
      assert.deepEqual((await client.kv().get('myapp1')).data.data, { value: 'from-vault' });
      assert.deepEqual(logger.lines, []);
    } finally {
      await fake.close();
    }
  });
});
