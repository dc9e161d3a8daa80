import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { PkiCache } from './pki-cache.js';
import { dataOf, mountPki, str } from './pki-test-kit.js';
import { x509 } from './x509.js';

async function issuingMount() {
  const h = await mountPki();
  await dataOf(h, 'update', 'root/generate/internal', { common_name: 'Root', ttl: '8760h' });
  await h.send('update', 'roles/web', { allowed_domains: 'example.com', allow_subdomains: true, no_store: true });
  const issue = async () => new x509.X509Certificate(str(await dataOf(h, 'update', 'issue/web', { common_name: 'a.example.com' }), 'certificate'));
  return { h, issue };
}

describe('PkiCache', () => {
  it('drops a fill that raced a write, and refills only from storage after it', async () => {
    const cache = new PkiCache(4);
    const stamp = cache.stamp('k');
    await cache.write('k', async () => {
      cache.fill('k', { v: 1 }, stamp);
      assert.equal(cache.get('k'), undefined);
    });
    assert.equal(cache.get('k'), undefined, 'a finished write invalidates, it does not install');
    await assert.rejects(cache.write('k', () => Promise.reject(new Error('disk full'))));
    assert.equal(cache.get('k'), undefined, 'so does a failed one');
    const filled = cache.fill('k', { v: 2 }, cache.stamp('k'));
    assert.deepEqual(cache.get('k'), { v: 2 });
    assert.ok(Object.isFrozen(filled));
  });

  it('derives once per record object and forgets everything on clear', async () => {
    const cache = new PkiCache(4);
    const record = cache.fill('k', { v: 1 }, cache.stamp('k'))!;
    let runs = 0;
    const derive = () => cache.derived(record, 'x', () => ++runs);
    assert.equal(derive(), 1);
    assert.equal(derive(), 1);
    await assert.rejects(cache.derived(record, 'fails', () => Promise.reject(new Error('no'))));
    assert.equal(await cache.derived(record, 'fails', () => Promise.resolve('retried')), 'retried');
    const stale = cache.stamp('k');
    cache.clear();
    assert.equal(cache.get('k'), undefined);
    assert.equal(cache.derived(record, 'x', () => ++runs), 2);
    cache.fill('k', { v: 3 }, stale);
    assert.equal(cache.get('k'), undefined, 'a read begun before clear is not cached');
  });
});

describe('pki issuance caches', () => {
  it('issues from cache without any storage read once warm (no_store role)', async () => {
    const { h, issue } = await issuingMount();
    await issue();
    const get = h.store.get.bind(h.store);
    let reads = 0;
    h.store.get = (key: string) => {
      reads++;
      return get(key);
    };
    await issue();
    assert.equal(reads, 0);
  });

  it('sees config/urls and role writes on the next issuance', async () => {
    const { h, issue } = await issuingMount();
    assert.equal((await issue()).getExtension(x509.AuthorityInfoAccessExtension), null);
    await h.send('update', 'config/urls', { issuing_certificates: ['http://ca.example/ca'], crl_distribution_points: ['http://ca.example/crl'] });
    const withUrls = await issue();
    assert.ok(withUrls.getExtension(x509.AuthorityInfoAccessExtension));
    assert.ok(withUrls.getExtension(x509.CRLDistributionPointsExtension));
    await h.send('update', 'roles/web', { organization: 'Example Org', server_flag: false });
    const updated = await issue();
    assert.deepEqual(updated.subjectName.getField('O'), ['Example Org']);
    assert.deepEqual([...(updated.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])], [x509.ExtendedKeyUsage.clientAuth]);
    await h.send('delete', 'roles/web');
    await rejectsVault(issue(), 400, /unknown role/);
  });

  it('signs with a new default issuer as soon as it is set', async () => {
    const { h, issue } = await issuingMount();
    const first = await issue();
    const second = await dataOf(h, 'update', 'root/generate/internal', { common_name: 'Second Root', issuer_name: 'second' });
    await h.send('update', 'config/issuers', { default: 'second' });
    const leaf = await issue();
    assert.equal(leaf.issuer, 'CN=Second Root');
    assert.notEqual(leaf.issuer, first.issuer);
    assert.ok(await leaf.verify({ publicKey: new x509.X509Certificate(str(second, 'certificate')).publicKey, signatureOnly: true }));
  });

  it('forgets cached records when the engine closes (seal, unmount)', async () => {
    const { h, issue } = await issuingMount();
    await issue();
    // Behind the engine's back (as a restore from backup would): gone from storage.
    for (const key of [...h.store.entries.keys()]) if (key.endsWith('/roles/web')) h.store.entries.delete(key);
    await issue(); // still cached
    await h.engine.close?.();
    await rejectsVault(issue(), 400, /unknown role/);
  });
});

