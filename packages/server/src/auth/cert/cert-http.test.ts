import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MAX_REQUEST_SIZE } from '../../config/server-config.js';
import { createHttpServer, type HttpServer } from '../../http/create-http-server.js';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import type { Vault } from '../../server.js';
import { certAuthEngine } from './index.js';

const require = createRequire(import.meta.url);
type NodeVault = Record<string, (...args: any[]) => Promise<any>> & { token: string };
const nodeVault = require('node-vault') as (opts: Record<string, unknown>) => NodeVault;

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * Cert auth end to end over real mTLS: the pipeline with the cert engine registered as a plugin,
 * the HTTPS listener asking for client certificates, certificates made by openssl.
 */
describe('cert auth over mTLS through the pipeline', () => {
  let dir: string;
  let vault: Vault;
  let http: HttpServer;
  const file = (name: string) => join(dir, name);
  const read = (name: string) => readFileSync(file(name));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretum-cert-auth-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('req', '-x509', ...EC, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'server.key', '-out', 'server.crt');
    openssl('req', '-x509', ...EC, '-days', '1', '-subj', '/CN=clients-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
    const client = (name: string, subj: string) => {
      openssl('req', ...EC, '-subj', subj, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.crt`);
    };
    client('gha', '/CN=github-actions/OU=ci');
    client('intruder', '/CN=intruder/OU=guests');
    openssl('req', '-x509', ...EC, '-days', '1', '-subj', '/CN=stranger', '-keyout', 'stranger.key', '-out', 'stranger.crt');

    vault = await devVault([{ type: 'cert', kind: 'auth', factory: certAuthEngine }]);
    assert.equal((await send(vault, 'update', 'sys/auth/cert', { body: { type: 'cert' } })).status, 204);
    const write = await send(vault, 'update', 'auth/cert/certs/github-actions', {
      body: { certificate: read('ca.crt').toString(), allowed_organizational_units: ['ci'], token_policies: ['deployer'], token_ttl: '10m' },
    });
    assert.equal(write.status, 204, JSON.stringify(write.body));
    http = await createHttpServer({
      pipeline: vault.pipeline,
      listener: {
        address: '127.0.0.1:0',
        tls_disable: false,
        tls_cert_file: file('server.crt'),
        tls_key_file: file('server.key'),
        tls_client_ca_file: file('ca.crt'),
        max_request_size: DEFAULT_MAX_REQUEST_SIZE,
      },
      log: { warn() {}, error() {} },
    });
  });
  after(async () => {
    await http?.close();
    await vault?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, opts: { client?: string; token?: string; json?: unknown } = {}) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(
        `${http.url}/v1/${path}`,
        {
          method,
          ca: read('server.crt'),
          agent: false,
          headers: { ...(opts.token && { 'x-vault-token': opts.token }) },
          ...(opts.client && { cert: read(`${opts.client}.crt`), key: read(`${opts.client}.key`) }),
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(opts.json === undefined ? undefined : JSON.stringify(opts.json));
    });

  it('logs in with the client certificate: a token for Service::"github-actions" with an entity', async () => {
    const res = await call('POST', 'auth/cert/login', { client: 'gha', json: {} });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const auth = res.body.auth;
    assert.deepEqual(auth.policies, ['default', 'deployer']);
    assert.equal(auth.lease_duration, 600);
    assert.equal(auth.metadata.cert_name, 'github-actions');
    assert.equal(auth.metadata.common_name, 'github-actions');
    assert.match(auth.entity_id, /^[0-9a-f-]{36}$/);
    const again = await call('POST', 'auth/cert/login', { client: 'gha', json: { name: 'github-actions' } });
    assert.equal(again.body.auth.entity_id, auth.entity_id, 'the same entity on every login');
    const self = await call('GET', 'auth/token/lookup-self', { token: auth.client_token });
    assert.equal(self.status, 200, JSON.stringify(self.body));
    assert.equal(self.body.data.entity_id, auth.entity_id);
    const entity = body(await send(vault, 'read', `identity/entity/id/${auth.entity_id}`));
    assert.equal(entity.data.aliases[0].name, 'github-actions');
    assert.equal(entity.data.aliases[0].mount_type, 'cert');
  });

  it('answers 400 without a certificate, with an untrusted one, and outside the constraints', async () => {
    const none = await call('POST', 'auth/cert/login', { json: {} });
    assert.equal(none.status, 400);
    assert.deepEqual(none.body.errors, ['client certificate must be supplied']);
    // The listener does not accept a certificate its CA did not sign: the engine sees none.
    const stranger = await call('POST', 'auth/cert/login', { client: 'stranger', json: {} });
    assert.equal(stranger.status, 400);
    assert.deepEqual(stranger.body.errors, ['client certificate must be supplied']);
    const intruder = await call('POST', 'auth/cert/login', { client: 'intruder', json: {} });
    assert.equal(intruder.status, 400);
    assert.deepEqual(intruder.body.errors, ['no chain matching all constraints could be found for this login certificate']);
  });

  // node-vault 0.12.0's `certLogin` throws before sending (its request schema has no
  // `properties`, which its own `extendOptions` reads), so the same POST goes through `write`.
  it('works with node-vault over mTLS', async () => {
    const client = nodeVault({
      endpoint: http.url,
      requestOptions: { ca: read('server.crt'), cert: read('gha.crt'), key: read('gha.key') },
    });
    const res = await client['write']!('auth/cert/login', { name: 'github-actions' });
    assert.match(res.auth.client_token, /^s\./);
    client.token = res.auth.client_token;
    const self = await client['tokenLookupSelf']!();
    assert.equal(self.data.meta.cert_name, 'github-actions');
  });
});
