import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenHarness, mountEntry } from '../../auth/token/test-harness.js';
import { cubbyholeEngine } from './index.js';

async function setup() {
  const h = await new TokenHarness().start();
  const mount = mountEntry('cubbyhole/', 'cubbyhole', 'secrets');
  const spec = await cubbyholeEngine({
    storage: h.cubbyholeRoot,
    mount,
    clock: h.clock,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  assert.equal(spec.perTokenStorage, true);
  const target = { paths: spec.paths, mount, perToken: true };
  return { h, target };
}

describe('cubbyhole', () => {
  it('keeps each token\'s data private', async () => {
    const { h, target } = await setup();
    const a = await h.createToken(h.rootToken, { policies: ['dev'] });
    const b = await h.createToken(h.rootToken, { policies: ['dev'] });
    await h.request(a.token, 'update', 'secret/one', { value: 'a1' }, target);
    await h.request(b.token, 'update', 'secret/one', { value: 'b1' }, target);
    assert.deepEqual((await h.request(a.token, 'read', 'secret/one', {}, target))?.data, { value: 'a1' });
    assert.deepEqual((await h.request(b.token, 'read', 'secret/one', {}, target))?.data, { value: 'b1' });
    await assert.rejects(h.request(h.rootToken, 'read', 'secret/one', {}, target), { status: 404 });
  });

  it('lists, deletes, and answers empty lists with 404', async () => {
    const { h, target } = await setup();
    const a = await h.createToken(h.rootToken, { policies: ['dev'] });
    await h.request(a.token, 'update', 'x', { k: 'v' }, target);
    await h.request(a.token, 'update', 'dir/y', { k: 'v' }, target);
    assert.deepEqual((await h.request(a.token, 'list', '', {}, target))?.data, { keys: ['dir/', 'x'] });
    assert.deepEqual((await h.request(a.token, 'list', 'dir', {}, target))?.data, { keys: ['y'] });
    await h.request(a.token, 'delete', 'x', {}, target);
    await assert.rejects(h.request(a.token, 'read', 'x', {}, target), { status: 404 });
    await assert.rejects(h.request(a.token, 'list', 'nothing/', {}, target), { status: 404 });
    await assert.rejects(h.request(a.token, 'update', 'empty', {}, target), { status: 400 });
  });

  it('is destroyed with its token', async () => {
    const { h, target } = await setup();
    const a = await h.createToken(h.rootToken, { policies: ['dev'] });
    await h.request(a.token, 'update', 'x', { k: 'v' }, target);
    const hash = h.store.hashToken(a.token);
    assert.ok([...h.raw.map.keys()].some((k) => k.startsWith(`logical/cubbyhole/${hash}/`)));
    await h.request(h.rootToken, 'update', 'revoke', { token: a.token });
    assert.ok(![...h.raw.map.keys()].some((k) => k.startsWith(`logical/cubbyhole/${hash}/`)));
  });
});
