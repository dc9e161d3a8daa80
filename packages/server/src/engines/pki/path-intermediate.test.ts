import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { dataOf, mountPki, openssl, requireOpenssl, rootAndIntermediate, scratch, str } from './pki-test-kit.js';
import { x509 } from './x509.js';

describe('pki intermediate CA', () => {
  it('openssl verify accepts a leaf issued by a generated, root-signed and set-signed intermediate', async (t) => {
    const { root, int, rootPem, intPem, setSigned, signed } = await rootAndIntermediate();
    assert.equal((setSigned['imported_issuers'] as string[]).length, 1);
    assert.deepEqual(signed['ca_chain'], [rootPem]);
    assert.match(str(signed, 'serial_number'), /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    // The root stored the intermediate certificate it signed.
    assert.equal((await dataOf(root, 'read', `cert/${str(signed, 'serial_number')}`))['certificate'], intPem);

    await int.send('update', 'roles/web', { allowed_domains: ['example.com'], allow_subdomains: true, max_ttl: '72h' });
    const leaf = await dataOf(int, 'update', 'issue/web', { common_name: 'www.example.com', ttl: '24h' });
    assert.equal(leaf['issuing_ca'], intPem);
    assert.deepEqual(leaf['ca_chain'], [intPem, rootPem]);
    assert.equal((await int.send('read', 'ca_chain'))!.raw!.body, `${intPem}\n${rootPem}\n`);

    if (!requireOpenssl(t)) return;
    const s = await scratch(t);
    await s.write('root.pem', rootPem);
    await s.write('intermediate.pem', intPem);
    await s.write('leaf.pem', str(leaf, 'certificate'));
    const ok = await openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', 'leaf.pem'], s.dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /leaf\.pem: OK/);
    // Without the intermediate the chain is incomplete: the check above is not vacuous.
    const broken = await openssl(['verify', '-CAfile', 'root.pem', 'leaf.pem'], s.dir);
    assert.notEqual(broken.code, 0);
  });

  it("gives leaves their issuer's own subject key id as authority key id, whatever method made it", async (t) => {
    if (!requireOpenssl(t)) return;
    const s = await scratch(t);
    const run = async (args: string[]) => {
      const r = await openssl(args, s.dir);
      assert.equal(r.code, 0, r.stderr);
    };
    // A root outside the vault signs our intermediate with a subject key id of its own choosing.
    await run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.pem',
      '-subj', '/CN=Outside Root', '-days', '30', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const int = await mountPki('int/');
    const csr = await dataOf(int, 'update', 'intermediate/generate/internal', { common_name: 'Our Intermediate', key_type: 'ec', key_bits: 256 });
    await s.write('int.csr', str(csr, 'csr'));
    const skid = '0102030405060708090a0b0c0d0e0f1011121314';
    await s.write('ext.cnf', `basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=${skid}\nauthorityKeyIdentifier=keyid\n`);
    await run(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '10', '-extfile', 'ext.cnf']);
    const intPem = (await readFile(join(s.dir, 'int.pem'), 'utf8')).trim();
    await int.send('update', 'intermediate/set-signed', { certificate: intPem });
    await int.send('update', 'roles/web', { allowed_domains: ['example.com'], allow_subdomains: true, max_ttl: '72h' });
    const leaf = await dataOf(int, 'update', 'issue/web', { common_name: 'www.example.com', ttl: '24h' });
    const aki = new x509.X509Certificate(str(leaf, 'certificate')).getExtension(x509.AuthorityKeyIdentifierExtension);
    assert.equal(aki?.keyId, skid);
    await s.write('leaf.pem', str(leaf, 'certificate'));
    await run(['verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'leaf.pem']);
  });

  it('keeps the key internal and exports it only for exported', async () => {
    const int = await mountPki('pki_int/');
    const internal = await dataOf(int, 'update', 'intermediate/generate/internal', { common_name: 'I' });
    assert.equal(internal['private_key'], undefined);
    const csr = new x509.Pkcs10CertificateRequest(str(internal, 'csr'));
    assert.equal(csr.subject, 'CN=I');
    assert.equal(await csr.verify(), true);
    const exported = await dataOf(int, 'update', 'intermediate/generate/exported', { common_name: 'I2', key_type: 'rsa' });
    assert.equal(exported['private_key_type'], 'rsa');
    assert.match(str(exported, 'private_key'), /BEGIN RSA PRIVATE KEY/);
  });

  it('refuses a certificate whose key no pending key matches, and a bad csr', async () => {
    const { root } = await rootAndIntermediate();
    const other = await mountPki('other/');
    const foreign = await mountPki('foreign/');
    const csr = await dataOf(foreign, 'update', 'intermediate/generate/internal', { common_name: 'F' });
    const signed = await dataOf(root, 'update', 'root/sign-intermediate', { csr: str(csr, 'csr'), common_name: 'F' });
    await rejectsVault(other.send('update', 'intermediate/set-signed', { certificate: str(signed, 'certificate') }), 400, /pending key/);
    await rejectsVault(root.send('update', 'root/sign-intermediate', { csr: 'garbage', common_name: 'F' }), 400, /csr/);
    await rejectsVault(root.send('update', 'root/sign-intermediate', { csr: str(csr, 'csr') }), 400, /common_name/);
  });

  it('refuses an intermediate that would outlive the root (leaf_not_after_behavior=err)', async () => {
    const root = await mountPki();
    await root.send('update', 'root/generate/internal', { common_name: 'R', ttl: '48h' });
    const int = await mountPki('pki_int/');
    const csr = await dataOf(int, 'update', 'intermediate/generate/internal', { common_name: 'I' });
    await rejectsVault(root.send('update', 'root/sign-intermediate', { csr: str(csr, 'csr'), common_name: 'I', ttl: '72h' }), 400, /beyond the expiration/);
  });

  it('applies path length constraints and use_csr_values', async () => {
    const root = await mountPki();
    await root.send('update', 'root/generate/internal', { common_name: 'R', max_path_length: 1 });
    const int = await mountPki('pki_int/');
    const csr = await dataOf(int, 'update', 'intermediate/generate/internal', { common_name: 'From CSR' });
    const signed = await dataOf(root, 'update', 'root/sign-intermediate', { csr: str(csr, 'csr'), use_csr_values: true });
    const cert = new x509.X509Certificate(str(signed, 'certificate'));
    assert.equal(cert.subject, 'CN=From CSR');
    assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.pathLength, 0);
    await rejectsVault(root.send('update', 'root/sign-intermediate', { csr: str(csr, 'csr'), common_name: 'I', max_path_length: 3 }), 400, /max_path_length/);
  });
});
