import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VaultClient } from './client.js';
import { UnavailableError } from './errors.js';
import { clientOptionsFromEnv } from './env-config.js';

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
function makePki(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
}

describe('TLS and client certificates (mTLS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-tls-'));
  let server: Server;
  let address: string;
  const file = (name: string) => join(dir, name);

  before(async () => {
    makePki(dir);
    server = createServer(
      { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), ca: readFileSync(file('ca.pem')), requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ data: { client_cn: peer?.subject?.CN ?? null, authorized: (req.socket as TLSSocket).authorized } }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('presents the client certificate named by VAULT_CLIENT_CERT / VAULT_CLIENT_KEY, trusting VAULT_CACERT', async () => {
    const options = clientOptionsFromEnv({
      VAULT_ADDR: address,
      VAULT_CACERT: file('ca.pem'),
      VAULT_CLIENT_CERT: file('client.pem'),
      VAULT_CLIENT_KEY: file('client.key'),
    });
    const client = new VaultClient({ ...options, token: 't' });
    const res = await client.read<{ client_cn: string; authorized: boolean }>('auth/cert/whoami');
    assert.deepEqual(res.data, { client_cn: 'client', authorized: true });
  });

  it('refuses a server its CA does not vouch for', async () => {
    const client = new VaultClient({ address, token: 't', tls: {} });
    await assert.rejects(client.read('x'), (err: unknown) => err instanceof UnavailableError && /cannot reach/.test(err.message));
  });
});
