import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { tokenFor } from './system-test-kit.js';

describe('sys/internal/specs/openapi (tier 2)', () => {
  let vault: Vault;
  before(async () => (vault = await devVault()));
  after(() => vault.close());

  it('documents every mount from its path declarations, under its mount path', async () => {
    const res = await send(vault, 'read', 'sys/internal/specs/openapi');
    assert.equal(res.status, 200);
    const doc = body(res).data;
    assert.equal(doc.openapi, '3.0.2');
    const kv = doc.paths['/secret/data/{path}'];
    assert.ok(kv.get && kv.post, Object.keys(kv).join());
    assert.deepEqual(kv.parameters[0], { name: 'path', in: 'path', required: true, description: kv.parameters[0].description, schema: { type: 'string' } });
    assert.deepEqual(kv.get.tags, ['secrets']);
    // The body holds the declared fields, with their types mapped, never the path capture.
    assert.equal(kv.post.requestBody.content['application/json'].schema.properties.path, undefined);
    assert.ok(doc.paths['/auth/token/create'].post);
    assert.ok(doc.paths['/sys/config/cors'].delete);
    assert.equal(doc.paths['/sys/seal-status'].get['x-vault-unauthenticated'], true);
    assert.deepEqual(doc.paths['/sys/internal/specs/openapi'].get.tags, ['system']);
  });

  it('writes {mountPath} with generic_mount_paths', async () => {
    const doc = body(await send(vault, 'read', 'sys/internal/specs/openapi', { query: { generic_mount_paths: 'true' } })).data;
    assert.ok(doc.paths['/{mountPath}/data/{path}']);
    assert.equal(doc.paths['/secret/data/{path}'], undefined);
    assert.ok(doc.paths['/sys/mounts']);
  });

  it('is a Cedar read on sys/internal/specs/openapi', async () => {
    const none = await tokenFor(vault, 'nobody');
    assert.equal((await send(vault, 'read', 'sys/internal/specs/openapi', { token: none })).status, 403);
    const reader = await tokenFor(
      vault,
      'specs',
      'permit (principal in Role::"specs", action == Action::"read", resource == Secret::"sys/internal/specs/openapi");',
    );
    assert.equal((await send(vault, 'read', 'sys/internal/specs/openapi', { token: reader })).status, 200);
  });
});
