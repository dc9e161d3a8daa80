import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from './server-process.js';

const ROOT = 'pki-e2e-root';

/** PKI over real HTTP, checked by openssl as a relying party would: verify, CRL and OCSP. */
describe('pki through HTTP, checked by openssl', () => {
  let server: ServerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'secretum-pki-'));
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': ROOT },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as any) : undefined, text };
  };
  const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', cwd: dir, timeout: 20_000 });

  before(async () => {
    server = await startServerProcess(['--dev', '--dev-listen-address', '127.0.0.1:0', '--dev-root-token-id', ROOT]);
    assert.equal((await call('POST', 'sys/mounts/pki', { type: 'pki', config: { max_lease_ttl: '87600h' } })).status, 204);
  });
  after(async () => server?.stop());

  it('issues a leaf that openssl verifies, then revokes it: CRL and OCSP say so', async () => {
    const root = await call('POST', 'pki/root/generate/internal', { common_name: 'Example Root', ttl: '8760h' });
    assert.equal(root.status, 200, root.text);
    writeFileSync(join(dir, 'ca.pem'), root.json.data.certificate);
    assert.equal((await call('POST', 'pki/config/urls', { ocsp_servers: [`${server.url}/v1/pki/ocsp`] })).status < 300, true);
    await call('POST', 'pki/roles/web', { allowed_domains: 'example.com', allow_subdomains: true, max_ttl: '72h' });
    const leaf = await call('POST', 'pki/issue/web', { common_name: 'api.example.com', ttl: '24h' });
    assert.equal(leaf.status, 200, leaf.text);
    writeFileSync(join(dir, 'leaf.pem'), leaf.json.data.certificate);
    assert.match(openssl('verify', '-CAfile', 'ca.pem', 'leaf.pem'), /leaf.pem: OK/);

    const refused = await call('POST', 'pki/issue/web', { common_name: 'api.evil.org' });
    assert.equal(refused.status, 400);

    // OCSP over HTTP POST: openssl sends application/ocsp-request to the unauthenticated path
    const ocsp = () =>
      openssl('ocsp', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-url', `${server.url}/v1/pki/ocsp`, '-CAfile', 'ca.pem', '-no_nonce');
    assert.match(ocsp(), /leaf\.pem: good/);

    const revoked = await call('POST', 'pki/revoke', { serial_number: leaf.json.data.serial_number });
    assert.equal(revoked.status, 200, revoked.text);
    assert.match(ocsp(), /leaf\.pem: revoked/);

    const crl = await fetch(`${server.url}/v1/pki/crl/pem`);
    assert.equal(crl.status, 200);
    writeFileSync(join(dir, 'crl.pem'), await crl.text());
    const serialHex = String(leaf.json.data.serial_number).replace(/:/g, '').toUpperCase();
    assert.match(openssl('crl', '-in', 'crl.pem', '-noout', '-text'), new RegExp(`Serial Number: 0*${serialHex.replace(/^0+/, '')}`));
  });
});
