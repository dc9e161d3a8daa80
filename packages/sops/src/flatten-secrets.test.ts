import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptSops } from './decrypt-sops.js';
import { SopsFormatError } from './errors.js';
import { fixtureIdentities, readFixture } from './fixtures.test-helper.js';
import { flattenSecrets, pathSegment } from './flatten-secrets.js';

describe('flattenSecrets', () => {
  it('flattens example.yaml one secret per leaf, in document order', async () => {
    const tree = await decryptSops(readFixture('example.yaml'), { fileName: 'example.yaml', identities: fixtureIdentities() });
    const flat = flattenSecrets(tree, 'migrated');
    const byPath = new Map(flat.map((s) => [s.path, s.value]));
    assert.equal(byPath.get('migrated/app2/db/password'), 'c4r1b0u');
    assert.equal(byPath.get('migrated/an_array/0'), 'secretuser1');
    assert.equal(byPath.get('migrated/an_array/3'), 'some other value');
    assert.equal(byPath.get('migrated/somebooleans/0'), 'true');
    assert.equal(byPath.get('migrated/somebooleans/1'), 'false');
    assert.equal(byPath.get('migrated/number'), '1234568000');
    assert.equal(byPath.get('migrated/nested_unencrypted/this/is/all'), 'going to remain in clear text');
    assert.equal(byPath.get('migrated/somelist_unencrypted/2'), 'because of the _encrypted suffix in the key');
    assert.match(byPath.get('migrated/app2/key') ?? '', /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.equal(flat.length, 16);
    assert.equal(flat[0]?.path, 'migrated/myapp1');
    assert.equal(flat.at(-1)?.path, 'migrated/nested_unencrypted/this/is/all');
  });

  it('stores numbers as plain decimals and keeps empty strings', async () => {
    const tree = await decryptSops(readFixture('example.json'), { fileName: 'example.json', identities: fixtureIdentities() });
    const byPath = new Map(flattenSecrets(tree).map((s) => [s.path, s.value]));
    assert.equal(byPath.get('age'), '25.4');
    assert.equal(byPath.get('anEmptyValue'), '');
    assert.equal(byPath.get('phoneNumbers/1/type'), 'office');
    assert.deepEqual(
      flattenSecrets({ a: 1e21, b: 1e-7, c: -0.5, d: 12345678901234567890n, e: null, f: {}, g: [] }),
      [
        { path: 'a', value: '1000000000000000000000' },
        { path: 'b', value: '0.0000001' },
        { path: 'c', value: '-0.5' },
        { path: 'd', value: '12345678901234567890' },
      ],
    );
  });

  it('normalises the prefix', () => {
    assert.deepEqual(flattenSecrets({ k: 'v' }, '/apps//billing/'), [{ path: 'apps/billing/k', value: 'v' }]);
    assert.deepEqual(flattenSecrets({ k: 'v' }, ''), [{ path: 'k', value: 'v' }]);
  });

  it('makes keys safe path segments: `/` and controls become `_`, spaces stay', () => {
    assert.equal(pathSegment('not private'), 'not private');
    assert.equal(pathSegment('api/v1'), 'api_v1');
    assert.equal(pathSegment('tab\there\u2028'), 'tab_here_');
    assert.equal(pathSegment(''), '_');
    assert.equal(pathSegment('.'), '_');
    assert.equal(pathSegment('..'), '__');
    assert.equal(pathSegment('...'), '...');
    assert.equal(pathSegment('lone\ud800'), 'lone_');
    assert.equal(pathSegment('emoji 😀'), 'emoji 😀');
    assert.deepEqual(flattenSecrets({ 'not private': { 'a/b': 'x' } }, 'P'), [{ path: 'P/not private/a_b', value: 'x' }]);
  });

  it('refuses two keys that land on one path, without naming values', () => {
    assert.throws(
      () => flattenSecrets({ 'a/b': 'hunter2', a_b: 'hunter3' }),
      (e: unknown) => e instanceof SopsFormatError && /a_b/.test(e.message) && !/hunter/.test(e.message),
    );
  });
});
