// Tests for system/path-wrapping.ts (kept here: this team owns wrapping/, not system/).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenHarness, mountEntry } from '../auth/token/test-harness.js';
import { isPlainObject } from '../framework/fields.js';
import { wrappingPaths } from '../system/path-wrapping.js';
import { ResponseWrapper } from './response-wrapper.js';

async function setup() {
  const h = await new TokenHarness().start();
  const wrapper = new ResponseWrapper(h.store, h.cubbyholeRoot, h.clock);
  const target = { paths: wrappingPaths(wrapper), mount: mountEntry('sys/', 'system', 'secrets') };
  return { h, wrapper, target };
}

describe('sys/wrapping/*', () => {
  it('wrap requires a wrap ttl and returns the body as data', async () => {
    const { h, target } = await setup();
    await assert.rejects(h.request(h.rootToken, 'update', 'wrapping/wrap', { a: 1 }, target), {
      status: 400,
      message: 'endpoint requires response wrapping to be used',
    });
    const res = await h.request(h.rootToken, 'update', 'wrapping/wrap', { a: 1 }, { ...target, wrapTtl: 60 });
    assert.deepEqual(res, { data: { a: 1 } });
  });

  it('unwraps with the token in the body, once', async () => {
    const { h, wrapper, target } = await setup();
    const info = await wrapper.wrap({ data: { a: 1 }, warnings: null }, 60, 'sys/wrapping/wrap');
    assert.deepEqual(await h.request(h.rootToken, 'update', 'wrapping/unwrap', { token: info.token }, target), {
      data: { a: 1 },
    });
    await assert.rejects(h.request(h.rootToken, 'update', 'wrapping/unwrap', { token: info.token }, target), {
      status: 400,
      message: 'wrapping token is not valid or does not exist',
    });
  });

  it('unwraps with the wrapping token as the caller token (hvac default)', async () => {
    const { h, wrapper, target } = await setup();
    const info = await wrapper.wrap({ data: { a: 2 } }, 60, 'sys/wrapping/wrap');
    // The harness consumes the token's only use first, as the pipeline will.
    assert.deepEqual(await h.request(info.token, 'update', 'wrapping/unwrap', {}, target), { data: { a: 2 } });
    await assert.rejects(h.request(info.token, 'update', 'wrapping/unwrap', {}, target), { status: 403 });
    // Both in the body and as the caller works too.
    const again = await wrapper.wrap({ data: { a: 3 } }, 60, 'p');
    assert.deepEqual(await h.request(again.token, 'update', 'wrapping/unwrap', { token: again.token }, target), {
      data: { a: 3 },
    });
  });

  it('returns wrapped auth responses verbatim as raw JSON', async () => {
    const { h, wrapper, target } = await setup();
    const auth = { client_token: 's.abc', accessor: 'acc', policies: ['default'] };
    const info = await wrapper.wrap({ data: null, auth }, 60, 'auth/token/create', 'acc');
    const res = await h.request(h.rootToken, 'update', 'wrapping/unwrap', { token: info.token }, target);
    assert.equal(res?.raw?.contentType, 'application/json');
    const body: unknown = JSON.parse(String(res?.raw?.body));
    assert.ok(isPlainObject(body));
    assert.deepEqual(body['auth'], auth);
    assert.equal(body['request_id'], 'req-1');
  });

  it('a wrapping token may look itself up without using itself', async () => {
    const { h, wrapper, target } = await setup();
    const info = await wrapper.wrap({ data: { a: 4 } }, 60, 'p');
    const looked = await h.request(info.token, 'update', 'wrapping/lookup', {}, target);
    assert.equal(looked?.data?.['creation_path'], 'p');
    assert.deepEqual(await h.request(info.token, 'update', 'wrapping/unwrap', {}, target), { data: { a: 4 } });
  });

  it('looks up and rewraps', async () => {
    const { h, wrapper, target } = await setup();
    const info = await wrapper.wrap({ data: { a: 1 } }, 60, 'sys/wrapping/wrap');
    const looked = await h.request(h.rootToken, 'update', 'wrapping/lookup', { token: info.token }, target);
    assert.deepEqual(looked?.data, { creation_path: 'sys/wrapping/wrap', creation_time: info.creation_time, creation_ttl: 60 });
    const rewrapped = await h.request(h.rootToken, 'update', 'wrapping/rewrap', { token: info.token }, target);
    const next = rewrapped?.wrapInfo;
    assert.ok(next && typeof next['token'] === 'string');
    await assert.rejects(h.request(h.rootToken, 'update', 'wrapping/lookup', { token: info.token }, target), { status: 400 });
    assert.deepEqual(await h.request(h.rootToken, 'update', 'wrapping/unwrap', { token: next['token'] }, target), {
      data: { a: 1 },
    });
  });
});
