import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from './test-kit.js';

const run = promisify(execFile);
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'];

describe('TLS listener', () => {
  let dir: string;
  let s: TestServer;
  const file = (name: string) => join(dir, name);
  const read = (name: string) => readFileSync(file(name));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretum-tls-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('req', '-x509', ...EC, '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'server.key', '-out', 'server.crt');
    openssl('req', '-x509', ...EC, '-subj', '/CN=clients-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
    openssl('req', ...EC.slice(0, -2), '-subj', '/CN=github-actions', '-keyout', 'client.key', '-out', 'client.csr');
    openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'client.crt');
    openssl('req', '-x509', ...EC, '-subj', '/CN=stranger', '-keyout', 'stranger.key', '-out', 'stranger.crt');
    s = await startTestServer({
      tls_disable: false,
      tls_cert_file: file('server.crt'),
      tls_key_file: file('server.key'),
      tls_client_ca_file: file('ca.crt'),
    });
  });
  after(async () => {
    await s?.http.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (options: { cert?: string; key?: string } = {}) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        `${s.http.url}/v1/auth/cert/login`,
        { method: 'POST', ca: read('server.crt'), agent: false, ...(options.cert && { cert: read(options.cert), key: read(options.key!) }) },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });

  it('serves https on the URL it reports', async () => {
    assert.match(s.http.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await get(), 200);
    assert.equal(s.pipeline.last.clientCertificate, undefined);
  });

  it('refuses TLS 1.1 and accepts TLS 1.2', async () => {
    const handshake = (version: 'TLSv1.1' | 'TLSv1.2') =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({
          host: '127.0.0.1',
          port: s.port,
          ca: read('server.crt'),
          minVersion: version,
          maxVersion: version,
          // OpenSSL 3 disables TLS 1.1 at the default security level; lower it on the client only,
          // so that the refusal tested is the server's.
          ciphers: 'DEFAULT@SECLEVEL=0',
        });
        socket.once('secureConnect', () => {
          resolve(socket.getProtocol() ?? '');
          socket.end();
        });
        socket.once('error', reject);
      });
    assert.equal(await handshake('TLSv1.2'), 'TLSv1.2');
    await assert.rejects(handshake('TLSv1.1'), (err: NodeJS.ErrnoException) => {
      assert.match(`${err.code} ${err.message}`, /ALERT_PROTOCOL_VERSION/);
      return true;
    });
  });

  it('passes the DER of a client certificate signed by tls_client_ca_file', async () => {
    assert.equal(await get({ cert: 'client.crt', key: 'client.key' }), 200);
    const der = new X509Certificate(read('client.crt')).raw;
    const got = s.pipeline.last.clientCertificate;
    assert.ok(got !== undefined);
    assert.deepEqual(Buffer.from(got), der);
  });

  it('passes no certificate that the client CA did not sign', async () => {
    assert.equal(await get({ cert: 'stranger.crt', key: 'stranger.key' }), 200);
    assert.equal(s.pipeline.last.clientCertificate, undefined);
  });

  it('serves LIST over TLS with the client certificate of that connection', async () => {
    const { stdout } = await run('/usr/bin/curl', [
      '-sS', '--cacert', file('server.crt'), '--cert', file('client.crt'), '--key', file('client.key'),
      `${s.http.url}/v1/auth/cert/certs`, '--next', '-sS', '--cacert', file('server.crt'), '--cert', file('client.crt'),
      '--key', file('client.key'), '-X', 'LIST', `${s.http.url}/v1/auth/cert/certs`,
    ]);
    assert.match(stdout, /"operation":"read"[\s\S]*"operation":"list"/);
    const req = s.pipeline.last;
    assert.equal(req.operation, 'list');
    assert.equal(req.remoteAddress, '127.0.0.1');
    assert.deepEqual(Buffer.from(req.clientCertificate!), new X509Certificate(read('client.crt')).raw);
  });
});
