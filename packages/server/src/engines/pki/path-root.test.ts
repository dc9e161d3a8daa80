import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { dataOf, mountPki, openssl, requireOpenssl, scratch, str } from './pki-test-kit.js';
import { x509 } from './x509.js';

describe('pki root/generate', () => {
  it('generates an internal EC root with Vault\'s response fields and no private key', async () => {
    const h = await mountPki();
    const res = await h.call('update', 'root/generate/internal', { common_name: 'Example Root', issuer_name: 'root-2026', ttl: '8760h' });
    assert.deepEqual(res.authz, { action: 'generate', resource: 'pki/issuers' });
    const d = res.response!.data!;
    for (const key of ['certificate', 'issuing_ca', 'serial_number', 'expiration', 'issuer_id', 'issuer_name', 'key_id']) assert.ok(key in d, key);
    assert.equal(d['private_key'], undefined);
    assert.equal(d['issuer_name'], 'root-2026');
    assert.match(str(d, 'serial_number'), /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    const cert = new x509.X509Certificate(str(d, 'certificate'));
    assert.equal(cert.subject, 'CN=Example Root');
    assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, true);
    assert.equal(d['expiration'], Math.floor(cert.notAfter.getTime() / 1000));
    assert.equal(cert.notAfter.getTime() - Math.floor(h.clock.now() / 1000) * 1000, 8760 * 3600 * 1000);
    assert.equal(await cert.isSelfSigned(), true);
  });

  for (const [keyType, keyBits, alg] of [['ec', 384, 'ECDSA'], ['ed25519', 0, 'Ed25519'], ['rsa', 2048, 'RSASSA-PKCS1-v1_5']] as const) {
    it(`exports a ${keyType} root key that matches the certificate`, async () => {
      const h = await mountPki();
      const d = await dataOf(h, 'update', 'root/generate/exported', { common_name: 'R', key_type: keyType, key_bits: keyBits });
      assert.equal(d['private_key_type'], keyType);
      assert.match(str(d, 'private_key'), /-----BEGIN (EC |RSA )?PRIVATE KEY-----/);
      const cert = new x509.X509Certificate(str(d, 'certificate'));
      assert.equal(cert.publicKey.algorithm.name, alg);
    });
  }

  it('lists the issuer and reads it by id, name and default', async () => {
    const h = await mountPki();
    const d = await dataOf(h, 'update', 'root/generate/internal', { common_name: 'R', issuer_name: 'main' });
    const list = await dataOf(h, 'list', 'issuers');
    assert.deepEqual(list['keys'], [d['issuer_id']]);
    for (const ref of ['default', 'main', str(d, 'issuer_id')]) {
      const read = await dataOf(h, 'read', `issuer/${ref}`);
      assert.equal(read['issuer_id'], d['issuer_id']);
      assert.equal(read['certificate'], d['certificate']);
    }
  });

  it('serves ca (DER), ca/pem and an empty, signed CRL before any revocation', async (t) => {
    const h = await mountPki();
    const d = await dataOf(h, 'update', 'root/generate/internal', { common_name: 'R' });
    const der = (await h.send('read', 'ca'))!.raw!;
    assert.equal(der.contentType, 'application/pkix-cert');
    assert.equal(new x509.X509Certificate(der.body as Uint8Array).toString('pem').trim(), d['certificate']);
    assert.equal(String((await h.send('read', 'ca/pem'))!.raw!.body).trim(), d['certificate']);
    const crl = (await h.send('read', 'crl'))!.raw!;
    assert.equal(crl.contentType, 'application/pkix-crl');
    const parsed = new x509.X509Crl(crl.body as Uint8Array);
    assert.equal(parsed.entries.length, 0);
    assert.equal(await parsed.verify({ publicKey: new x509.X509Certificate(str(d, 'certificate')).publicKey }), true);
    if (!requireOpenssl(t)) return;
    const s = await scratch(t);
    await s.write('crl.der', crl.body as Uint8Array);
    await s.write('ca.pem', str(d, 'certificate'));
    const out = await openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'ca.pem', '-noout', '-text'], s.dir);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout + out.stderr, /No Revoked Certificates/);
    assert.match(out.stderr + out.stdout, /verify OK/);
  });

  it('refuses a missing common name, a bad key size and a duplicate issuer name with 400', async () => {
    const h = await mountPki();
    await rejectsVault(h.send('update', 'root/generate/internal', {}), 400, /common_name/);
    await rejectsVault(h.send('update', 'root/generate/internal', { common_name: 'R', key_type: 'rsa', key_bits: 1024 }), 400, /bit length/);
    await rejectsVault(h.send('update', 'root/generate/internal', { common_name: 'R', key_type: 'dsa' }), 400);
    await h.send('update', 'root/generate/internal', { common_name: 'R', issuer_name: 'x' });
    await rejectsVault(h.send('update', 'root/generate/internal', { common_name: 'R', issuer_name: 'x' }), 400, /already in use/);
  });
});
