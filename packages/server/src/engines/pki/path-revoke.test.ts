import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { dataOf, openssl, requireOpenssl, rootAndIntermediate, scratch, str } from './pki-test-kit.js';
import { x509 } from './x509.js';

describe('pki revoke and crl', () => {
  it('revokes a serial, answers revocation_time, and the rebuilt CRL lists it', async (t) => {
    const { int, intPem } = await rootAndIntermediate();
    await int.send('update', 'roles/web', { allowed_domains: 'example.com', allow_subdomains: true });
    const leaf = await dataOf(int, 'update', 'issue/web', { common_name: 'r.example.com', ttl: '1h' });
    const keep = await dataOf(int, 'update', 'issue/web', { common_name: 'k.example.com', ttl: '1h' });
    const serial = str(leaf, 'serial_number');

    const before = new x509.X509Crl((await int.send('read', 'crl'))!.raw!.body as Uint8Array);
    assert.equal(before.entries.length, 0);

    const res = await int.call('update', 'revoke', { serial_number: serial });
    assert.deepEqual(res.authz, { action: 'revoke', resource: `pki_int/certs/${serial}` });
    const time = res.response!.data!['revocation_time'];
    assert.equal(time, Math.floor(int.clock.now() / 1000));
    // Revoking again returns the first time.
    int.clock.advance(60);
    assert.equal((await dataOf(int, 'update', 'revoke', { serial_number: serial }))['revocation_time'], time);
    assert.equal((await dataOf(int, 'read', `cert/${serial}`))['revocation_time'], time);
    assert.equal((await dataOf(int, 'read', `cert/${str(keep, 'serial_number')}`))['revocation_time'], 0);
    assert.deepEqual((await dataOf(int, 'list', 'certs/revoked'))['keys'], [serial]);

    const crl = (await int.send('read', 'crl'))!.raw!.body as Uint8Array;
    const parsed = new x509.X509Crl(crl);
    assert.deepEqual(parsed.entries.map((e) => e.serialNumber), [serial.replace(/:/g, '')]);
    assert.equal(await parsed.verify({ publicKey: new x509.X509Certificate(intPem).publicKey }), true);
    const pem = String((await int.send('read', 'crl/pem'))!.raw!.body);
    assert.match(pem, /^-----BEGIN X509 CRL-----/);

    if (!requireOpenssl(t)) return;
    const s = await scratch(t);
    await s.write('crl.der', crl);
    await s.write('int.pem', intPem);
    const out = await openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-text', '-CAfile', 'int.pem'], s.dir);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`Serial Number: ${serial.replace(/:/g, '').toUpperCase()}`));
    assert.ok(!out.stdout.includes(str(keep, 'serial_number').replace(/:/g, '').toUpperCase()));
    assert.match(out.stderr + out.stdout, /verify OK/);
  });

  it('refuses unknown serials, malformed serials, issuer certificates and missing input with 400', async () => {
    const { int, setSigned } = await rootAndIntermediate();
    await rejectsVault(int.send('update', 'revoke', { serial_number: '01:02:03' }), 400, /not found/);
    await rejectsVault(int.send('update', 'revoke', { serial_number: 'zz:top' }), 400, /invalid serial/);
    await rejectsVault(int.send('update', 'revoke', {}), 400, /exactly one/);
    const issuerId = (setSigned['imported_issuers'] as string[])[0]!;
    const issuer = await dataOf(int, 'read', `issuer/${issuerId}`);
    await rejectsVault(int.send('update', 'revoke', { serial_number: str(issuer, 'serial_number') }), 400, /issuer certificate/);
  });

  it('revokes by PEM certificate', async () => {
    const { int } = await rootAndIntermediate();
    await int.send('update', 'roles/web', { allow_any_name: true });
    const leaf = await dataOf(int, 'update', 'issue/web', { common_name: 'p.example.com' });
    await int.send('update', 'revoke', { certificate: str(leaf, 'certificate') });
    const crl = new x509.X509Crl((await int.send('read', 'crl'))!.raw!.body as Uint8Array);
    assert.equal(crl.entries.length, 1);
  });
});
