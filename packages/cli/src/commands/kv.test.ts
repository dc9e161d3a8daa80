import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from '../fake-vault.test-helper.js';
import { runCli } from '../memory-io.test-helper.js';

const meta = { created_time: '2026-01-01T00:00:00Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 2 };

describe('secretum kv', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let env: Record<string, string>;

  before(async () => {
    fake = await startFakeVault((req) => handler(req));
    env = { VAULT_ADDR: fake.address, VAULT_TOKEN: 'root' };
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  after(() => fake.close());

  it('puts key=value pairs under the first path segment as mount', async () => {
    handler = () => ({ body: envelope(meta) });
    const r = await runCli(['kv', 'put', 'secret/app/db', 'user=admin', 'pw=-'], { env, stdin: 's3cret\n' });
    assert.equal(r.code, 0, r.stderr);
    const seen = fake.requests[0]!;
    assert.equal(`${seen.method} ${seen.url}`, 'POST secret/data/app/db');
    assert.deepEqual(JSON.parse(seen.body), { data: { user: 'admin', pw: 's3cret' } });
    assert.equal(seen.headers['x-vault-token'], 'root');
    assert.match(r.stdout, /== Secret Path ==\nsecret\/data\/app\/db/);
    assert.match(r.stdout, /version\s+2/);
  });

  it('takes -mount, -cas and --format json', async () => {
    handler = () => ({ body: envelope(meta) });
    const r = await runCli(['kv', 'put', '-mount=kv2', '-cas=1', '--format', 'json', 'app/db', 'a=1'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.url, 'kv2/data/app/db');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { options: { cas: 1 }, data: { a: '1' } });
    assert.deepEqual(JSON.parse(r.stdout), envelope(meta));
  });

  it('gets a version as a table, as JSON, or one field', async () => {
    handler = () => ({ body: envelope({ data: { user: 'admin' }, metadata: meta }) });
    const table = await runCli(['kv', 'get', '-version=2', 'secret/app/db'], { env });
    assert.equal(table.code, 0, table.stderr);
    assert.equal(fake.requests[0]!.url, 'secret/data/app/db?version=2');
    assert.match(table.stdout, /== Data ==\nKey\s+Value\n---\s+-----\nuser\s+admin\n/);
    const json = await runCli(['kv', 'get', '-format=json', 'secret/app/db'], { env });
    assert.deepEqual(JSON.parse(json.stdout).data.data, { user: 'admin' });
    const field = await runCli(['kv', 'get', '-field=user', 'secret/app/db'], { env });
    assert.equal(field.stdout, 'admin\n');
  });

  it('prints "No value found" and exits 2 for a missing or deleted secret', async () => {
    handler = () => undefined;
    const missing = await runCli(['kv', 'get', 'secret/none'], { env });
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [2, '', 'No value found at secret/data/none\n']);
    handler = () => ({ status: 404, body: envelope({ data: null, metadata: { ...meta, deletion_time: 'then' } }) });
    const deleted = await runCli(['kv', 'get', 'secret/gone'], { env });
    assert.equal(deleted.code, 2);
  });

  it('reports a denial in one line with the status and exits 1', async () => {
    handler = () => ({ status: 403, body: { errors: ['permission denied'] } });
    const r = await runCli(['kv', 'get', 'secret/foo'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error reading secret/data/foo: permission denied (403)\n');
  });

  it('patches with HTTP PATCH and merge-patch JSON', async () => {
    handler = () => ({ body: envelope(meta) });
    const r = await runCli(['kv', 'patch', 'secret/app', 'b=2'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.method, 'PATCH');
    assert.equal(fake.requests[0]!.headers['content-type'], 'application/merge-patch+json');
  });

  it('deletes the latest version or -versions, undeletes and destroys', async () => {
    handler = () => ({ status: 204 });
    assert.equal((await runCli(['kv', 'delete', 'secret/a'], { env })).stdout, 'Success! Data deleted (if it existed) at: secret/data/a\n');
    await runCli(['kv', 'delete', '-versions=1,2', 'secret/a'], { env });
    await runCli(['kv', 'undelete', '-versions=1', 'secret/a'], { env });
    await runCli(['kv', 'destroy', '-versions', '2', 'secret/a'], { env });
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url} ${r.body}`),
      ['DELETE secret/data/a ', 'POST secret/delete/a {"versions":[1,2]}', 'POST secret/undelete/a {"versions":[1]}', 'PUT secret/destroy/a {"versions":[2]}'],
    );
  });

  it('requires -versions for destroy (usage error, exit 2)', async () => {
    const r = await runCli(['kv', 'destroy', 'secret/a'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /versions/);
    assert.equal(fake.requests.length, 0);
  });

  it('lists keys, and exits 2 with "No value found" when empty', async () => {
    handler = (req) => (req.url.startsWith('secret/metadata/app/') ? { body: envelope({ keys: ['db', 'web/'] }) } : undefined);
    const r = await runCli(['kv', 'list', 'secret/app'], { env });
    assert.equal(r.stdout, 'Keys\n----\ndb\nweb/\n');
    const root = await runCli(['kv', 'list', 'secret/'], { env });
    assert.equal(fake.requests.at(-1)!.url, 'secret/metadata/?list=true');
    assert.deepEqual([root.code, root.stderr], [2, 'No value found at secret/metadata/\n']);
    const json = await runCli(['kv', 'list', '-format=json', 'secret/app'], { env });
    assert.deepEqual(JSON.parse(json.stdout), ['db', 'web/']);
  });

  it('reads and writes metadata', async () => {
    handler = (req) =>
      req.method === 'GET'
        ? { body: envelope({ current_version: 2, max_versions: 0, versions: { '1': { created_time: 't1', deletion_time: '', destroyed: false } } }) }
        : { status: 204 };
    const get = await runCli(['kv', 'metadata', 'get', 'secret/a'], { env });
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /current_version\s+2/);
    assert.match(get.stdout, /Version\s+Created\s+Deleted\s+Destroyed\n-+\s+-+\s+-+\s+-+\n1\s+t1\s+n\/a\s+false/);
    await runCli(['kv', 'metadata', 'put', '-max-versions=5', '-cas-required', '-custom-metadata=owner=ops', 'secret/a'], { env });
    assert.deepEqual(JSON.parse(fake.requests.at(-1)!.body), { max_versions: 5, cas_required: true, custom_metadata: { owner: 'ops' } });
    await runCli(['kv', 'metadata', 'delete', 'secret/a'], { env });
    assert.equal(`${fake.requests.at(-1)!.method} ${fake.requests.at(-1)!.url}`, 'DELETE secret/metadata/a');
  });

  it('rejects a path without a secret name as a usage error', async () => {
    const r = await runCli(['kv', 'get', 'secret'], { env });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'Error: no secret path in `secret`\n');
  });
});
