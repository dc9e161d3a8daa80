import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fields } from '../../framework/fields.js';
import { mountKv, rejectsVault } from './test-harness.js';

describe('kv v2 config', () => {
  it('reads defaults, writes and reads back', async () => {
    const kv = await mountKv();
    const initial = await kv.call('read', 'config');
    assert.deepEqual(initial.authz, { action: 'read', resource: 'secret' });
    assert.deepEqual(initial.response?.data, { cas_required: false, delete_version_after: '0s', max_versions: 0 });
    const written = await kv.call('update', 'config', { max_versions: 5, cas_required: true, delete_version_after: '3h25m19s' });
    assert.equal(written.response, undefined);
    assert.deepEqual(written.authz, { action: 'configure', resource: 'secret' });
    assert.deepEqual((await kv.send('read', 'config'))?.data, {
      cas_required: true,
      delete_version_after: '3h25m19s',
      max_versions: 5,
    });
    // Fields not given keep their value; "0s" clears delete_version_after.
    await kv.send('update', 'config', { delete_version_after: '0s' });
    assert.deepEqual((await kv.send('read', 'config'))?.data, { cas_required: true, delete_version_after: '0s', max_versions: 5 });
  });

  it('rejects bad values', async () => {
    const kv = await mountKv();
    await rejectsVault(kv.send('update', 'config', { max_versions: -1 }), 400, /max_versions/);
    await rejectsVault(kv.send('update', 'config', { cas_required: 'maybe' }), 400, /cas_required/);
    await rejectsVault(kv.send('update', 'config', { delete_version_after: 'forever' }), 400, /delete_version_after/);
  });

  it('uses the mount path without its slash as the resource, for nested mounts too', async () => {
    const kv = await mountKv({ path: 'team/kv/' });
    const res = await kv.call('update', 'data/db/prod', { data: { a: 1 } });
    assert.equal(res.authz?.resource, 'team/kv/db/prod');
    assert.equal((await kv.call('read', 'config')).authz?.resource, 'team/kv');
  });

  it('declares help and field descriptions on every path', async () => {
    const kv = await mountKv();
    for (const spec of kv.engine.paths) {
      assert.ok(spec.help.synopsis.length > 0);
      assert.ok((spec.help.description ?? '').length > 0);
      const fields: Fields = spec.fields;
      for (const [name, field] of Object.entries(fields)) assert.ok(field.description.length > 0, name);
      for (const op of Object.values(spec.operations)) assert.ok(op !== undefined && op.summary.length > 0);
    }
  });
});
