import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subkeys } from './path-subkeys.js';
import { mountKv, rejectsVault } from './test-harness.js';

const secret = { foo: 'abc', bar: { baz: 'def', deep: { x: 1 } }, quux: {}, list: [1, 2] };

describe('kv v2 subkeys/', () => {
  it('replaces every value with null, keeping the structure', async () => {
    const kv = await mountKv();
    await kv.send('update', 'data/s', { data: secret });
    const res = await kv.call('read', 'subkeys/s');
    assert.deepEqual(res.authz, { action: 'read', resource: 'secret/s' });
    assert.deepEqual(res.response?.data, {
      subkeys: { foo: null, bar: { baz: null, deep: { x: null } }, quux: null, list: null },
      metadata: {
        created_time: '2026-01-01T12:00:00.000Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      },
    });
  });

  it('honours depth and version', async () => {
    const kv = await mountKv();
    await kv.send('update', 'data/s', { data: secret });
    await kv.send('update', 'data/s', { data: { only: 'one' } });
    const depth1 = await kv.send('read', 'subkeys/s', { version: 1, depth: 1 });
    assert.deepEqual(depth1?.data?.['subkeys'], { foo: null, bar: null, quux: null, list: null });
    const depth2 = await kv.send('read', 'subkeys/s', { version: '1', depth: '2' });
    assert.deepEqual(depth2?.data?.['subkeys'], { foo: null, bar: { baz: null, deep: null }, quux: null, list: null });
    assert.deepEqual((await kv.send('read', 'subkeys/s'))?.data?.['subkeys'], { only: null });
  });

  it('answers 404 (with metadata for a deleted version) like data/', async () => {
    const kv = await mountKv();
    await rejectsVault(kv.send('read', 'subkeys/none'), 404, '');
    await kv.send('update', 'data/s', { data: secret });
    await kv.send('delete', 'data/s');
    const res = await kv.send('read', 'subkeys/s');
    assert.equal(res?.status, 404);
    assert.equal(res?.data?.['subkeys'], null);
    await rejectsVault(kv.send('read', 'subkeys/s', { depth: -1 }), 400, /depth/);
  });

  it('never copies a value into the output', () => {
    const out = subkeys({ a: { b: { c: 'secret' } } }, 2);
    assert.deepEqual(out, { a: { b: null } });
    assert.ok(!JSON.stringify(out).includes('secret'));
  });
});
