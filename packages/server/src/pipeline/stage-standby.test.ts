import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkStandby, type StandbyRouter } from './stage-standby.js';
import type { VaultRequest, VaultResponse } from './vault-request.js';

const request = (over: Partial<VaultRequest> = {}): VaultRequest => ({
  id: 'r1',
  operation: 'read',
  rawPath: 'secret/data/app',
  query: {},
  body: {},
  remoteAddress: '127.0.0.1',
  headers: {},
  help: false,
  ...over,
});

function router(standby: boolean, leader: string | undefined): StandbyRouter & { forwarded: VaultRequest[] } {
  const forwarded: VaultRequest[] = [];
  return {
    forwarded,
    isStandby: () => standby,
    leaderAddress: async () => leader,
    forward: async (req): Promise<VaultResponse> => {
      forwarded.push(req);
      return { status: 200, body: { forwarded: true } };
    },
  };
}

describe('stage 2: standby', () => {
  it('is a no-op without HA, on the active node, and for the per-node lifecycle paths', async () => {
    assert.equal(checkStandby(), undefined);
    assert.equal(checkStandby({}, request()), undefined);
    assert.equal(checkStandby({ ha: router(false, 'http://a:8200') }, request()), undefined);
    for (const path of ['sys/health', 'sys/leader', 'sys/seal-status', 'sys/unseal', 'sys/init', 'sys/health/']) {
      assert.equal(checkStandby({ ha: router(true, 'http://a:8200') }, request({ rawPath: path })), undefined, path);
    }
  });

  it('forwards everything else to the active node', async () => {
    const ha = router(true, 'http://a:8200');
    const res = await checkStandby({ ha }, request({ rawPath: 'sys/step-down', operation: 'update' }));
    assert.deepEqual(res, { status: 200, body: { forwarded: true } });
    assert.equal(ha.forwarded[0]!.rawPath, 'sys/step-down');
  });

  it('answers 307 to the same path and query when forwarding is refused', async () => {
    const ha = router(true, 'http://a:8200/');
    const res = await checkStandby(
      { ha },
      request({ operation: 'list', rawPath: 'secret/metadata/x%20y/', query: { version: '2' }, headers: { 'x-vault-no-request-forwarding': 'true' } }),
    );
    assert.deepEqual(res, { status: 307, headers: { location: 'http://a:8200/v1/secret/metadata/x%20y/?version=2&list=true' } });
    assert.equal(ha.forwarded.length, 0);
  });

  it('redirects a request with a TLS client certificate, and defaults the scheme to https', async () => {
    const res = await checkStandby({ ha: router(true, 'vault-1:8200') }, request({ clientCertificate: new Uint8Array([1]) }));
    assert.deepEqual(res, { status: 307, headers: { location: 'https://vault-1:8200/v1/secret/data/app' } });
  });

  it('answers 503 when no node holds the lock', async () => {
    await assert.rejects(checkStandby({ ha: router(true, undefined) }, request())!, (err: { status?: number; message?: string }) => {
      assert.equal(err.status, 503);
      assert.equal(err.message, 'no active Vault instance found');
      return true;
    });
  });
});
