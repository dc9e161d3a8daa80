import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { VaultClient } from './client.js';
import { NotFoundError } from './errors.js';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from './fake-vault.test-helper.js';

describe('KvV2Client', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let client: VaultClient;

  before(async () => {
    fake = await startFakeVault((req) => handler(req));
    client = new VaultClient({ address: fake.address, token: 't' });
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  after(() => fake.close());

  const meta = { created_time: 'now', custom_metadata: null, deletion_time: '', destroyed: false, version: 3 };

  it('reads a version under :mount/data', async () => {
    handler = () => ({ body: envelope({ data: { a: '1' }, metadata: meta }) });
    const secret = await client.kv('kv2/').get('app/db', { version: 2 });
    assert.deepEqual(secret.data.data, { a: '1' });
    assert.equal(fake.requests[0]!.url, 'kv2/data/app/db?version=2');
  });

  it('exposes the 404 envelope of a deleted version on the error', async () => {
    const body = envelope({ data: null, metadata: { ...meta, deletion_time: 'then' } });
    handler = () => ({ status: 404, body });
    await assert.rejects(client.kv().get('x'), (err: unknown) => err instanceof NotFoundError && err.body !== undefined);
  });

  it('writes with options.cas', async () => {
    handler = () => ({ body: envelope(meta) });
    const result = await client.kv().put('app', { a: 1 }, { cas: 0 });
    assert.equal(result.data.version, 3);
    assert.equal(fake.requests[0]!.method, 'POST');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { options: { cas: 0 }, data: { a: 1 } });
  });

  it('patches with HTTP PATCH and the merge-patch content type', async () => {
    handler = () => ({ body: envelope(meta) });
    await client.kv().patch('app', { b: 2 });
    const seen = fake.requests[0]!;
    assert.equal(seen.method, 'PATCH');
    assert.equal(seen.url, 'secret/data/app');
    assert.equal(seen.headers['content-type'], 'application/merge-patch+json');
    assert.deepEqual(JSON.parse(seen.body), { data: { b: 2 } });
  });

  it('lists under :mount/metadata and answers [] on 404', async () => {
    handler = (req) => (req.url.startsWith('secret/metadata/full/') ? { body: envelope({ keys: ['a', 'dir/'] }) } : undefined);
    assert.deepEqual(await client.kv().list('full'), ['a', 'dir/']);
    assert.deepEqual(await client.kv().list('empty'), []);
    assert.equal(fake.requests[1]!.url, 'secret/metadata/empty/?list=true');
  });

  it('deletes, undeletes and destroys versions on their own paths', async () => {
    handler = () => ({ status: 204 });
    const kv = client.kv();
    await kv.delete('a');
    await kv.deleteVersions('a', [1, 2]);
    await kv.undelete('a', [1]);
    await kv.destroy('a', [2]);
    await kv.deleteMetadata('a');
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url} ${r.body}`),
      [
        'DELETE secret/data/a ',
        'POST secret/delete/a {"versions":[1,2]}',
        'POST secret/undelete/a {"versions":[1]}',
        'PUT secret/destroy/a {"versions":[2]}',
        'DELETE secret/metadata/a ',
      ],
    );
  });

  it('writes metadata without creating a version', async () => {
    handler = () => ({ status: 204 });
    await client.kv().writeMetadata('a', { max_versions: 5, custom_metadata: { owner: 'ops' } });
    assert.equal(fake.requests[0]!.url, 'secret/metadata/a');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { max_versions: 5, custom_metadata: { owner: 'ops' } });
  });

  it('rolls back by writing the old version with cas = current version', async () => {
    handler = (req) => {
      if (req.url === 'secret/data/a?version=1') return { body: envelope({ data: { v: 'old' }, metadata: { ...meta, version: 1 } }) };
      if (req.url === 'secret/metadata/a') return { body: envelope({ current_version: 3 }) };
      if (req.method === 'POST') return { body: envelope({ ...meta, version: 4 }) };
      return undefined;
    };
    const result = await client.kv().rollback('a', 1);
    assert.equal(result.data.version, 4);
    assert.deepEqual(JSON.parse(fake.requests.at(-1)!.body), { options: { cas: 3 }, data: { v: 'old' } });
  });

  it('refuses to roll back to a deleted version', async () => {
    handler = () => ({ body: envelope({ data: null, metadata: { ...meta, deletion_time: 'then' } }) });
    await assert.rejects(client.kv().rollback('a', 1), NotFoundError);
  });
});
