import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { x509 } from './x509.js';
import { dataOf, mountPki, str } from './pki-test-kit.js';
import type { EngineHarness } from '../../framework/engine-harness.js';

async function waitTidy(h: EngineHarness): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const status = await dataOf(h, 'read', 'tidy-status');
    if (status['state'] !== 'Running') return status;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('tidy did not finish');
}

describe('pki tidy', () => {
  it('removes certificates expired longer than the safety buffer, keeps the rest and the issuer', async () => {
    const h = await mountPki();
    const root = await dataOf(h, 'update', 'root/generate/internal', { common_name: 'R', ttl: '8760h' });
    await h.send('update', 'roles/web', { allow_any_name: true });
    const short = await dataOf(h, 'update', 'issue/web', { common_name: 's.example.com', ttl: '1h' });
    const revokedShort = await dataOf(h, 'update', 'issue/web', { common_name: 'r.example.com', ttl: '1h' });
    const long = await dataOf(h, 'update', 'issue/web', { common_name: 'l.example.com', ttl: '720h' });
    await h.send('update', 'revoke', { serial_number: str(revokedShort, 'serial_number') });

    h.clock.advance(2 * 3600); // the short ones expired an hour ago: inside a 72h buffer
    const res = await h.send('update', 'tidy', { tidy_cert_store: true, tidy_revoked_certs: true });
    assert.equal(res!.status, 202);
    let status = await waitTidy(h);
    assert.equal(status['state'], 'Finished');
    assert.equal(status['cert_store_deleted_count'], 0);

    h.clock.advance(80 * 3600);
    await h.send('update', 'tidy', { tidy_cert_store: true, tidy_revoked_certs: true, safety_buffer: '72h' });
    status = await waitTidy(h);
    assert.equal(status['state'], 'Finished');
    // Both expired certificates leave the store; the revoked one also leaves the revocation list.
    assert.equal(status['cert_store_deleted_count'], 2);
    assert.equal(status['revoked_cert_deleted_count'], 1);

    const keys = (await dataOf(h, 'list', 'certs'))['keys'] as string[];
    assert.ok(keys.includes(str(long, 'serial_number')));
    assert.ok(keys.includes(str(root, 'serial_number')));
    assert.ok(!keys.includes(str(short, 'serial_number')));
    await rejectsVault(h.send('read', `cert/${str(short, 'serial_number')}`), 404);
    // The expired revoked certificate left the CRL as well.
    const crl = new x509.X509Crl((await h.send('read', 'crl'))!.raw!.body as Uint8Array);
    assert.equal(crl.entries.length, 0);
  });

  it('tidies nothing unless asked', async () => {
    const h = await mountPki();
    await h.send('update', 'root/generate/internal', { common_name: 'R', ttl: '8760h' });
    await h.send('update', 'roles/web', { allow_any_name: true });
    const short = await dataOf(h, 'update', 'issue/web', { common_name: 's.example.com', ttl: '1h' });
    h.clock.advance(100 * 3600);
    await h.send('update', 'tidy', {});
    await waitTidy(h);
    assert.ok(((await dataOf(h, 'list', 'certs'))['keys'] as string[]).includes(str(short, 'serial_number')));
  });
});
