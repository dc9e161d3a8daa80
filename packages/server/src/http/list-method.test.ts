import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ListMethodTakeover } from './list-method.js';
import { lastResponse, rawExchange, send, startTestServer, type TestServer } from './test-kit.js';

const run = promisify(execFile);
const CURL = '/usr/bin/curl';

describe('LIST method', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    s.pipeline.script = (req) =>
      req.operation === 'list'
        ? { status: 200, body: { data: { keys: ['a', 'b/'] }, path: req.rawPath } }
        : { status: 200, body: { data: { operation: req.operation }, path: req.rawPath } };
  });
  after(() => s.http.close());

  it('serves curl -X LIST on a keep-alive connection mixed with other requests', async () => {
    const base = s.http.url;
    const { stdout } = await run(CURL, [
      '-sS', '-H', 'X-Vault-Token: hvs.t', '-w', '\n%{http_code} %{num_connects}\n', `${base}/v1/secret/data/one`,
      '--next', '-sS', '-X', 'LIST', '-H', 'X-Vault-Token: hvs.t', '-w', '\n%{http_code} %{num_connects}\n', `${base}/v1/secret/metadata`,
      '--next', '-sS', '-X', 'PUT', '-d', '{"x":1}', '-w', '\n%{http_code} %{num_connects}\n', `${base}/v1/secret/data/two`,
      '--next', '-sS', '-w', '\n%{http_code} %{num_connects}\n', `${base}/v1/secret/data/three`,
    ]);
    const lines = stdout.trim().split('\n');
    assert.deepEqual(JSON.parse(lines[0]!), { data: { operation: 'read' }, path: 'secret/data/one' });
    assert.equal(lines[1], '200 1');
    assert.deepEqual(JSON.parse(lines[2]!), { data: { keys: ['a', 'b/'] }, path: 'secret/metadata' });
    assert.equal(lines[3], '200 0', 'LIST went over the reused connection');
    assert.deepEqual(JSON.parse(lines[4]!), { data: { operation: 'update' }, path: 'secret/data/two' });
    assert.equal(lines[5], '200 1', 'curl reconnected after Connection: close');
    assert.deepEqual(JSON.parse(lines[6]!), { data: { operation: 'read' }, path: 'secret/data/three' });
    assert.equal(lines[7], '200 0');
    const ops = s.pipeline.requests.slice(-4).map((r) => [r.operation, r.rawPath, r.token]);
    assert.deepEqual(ops, [
      ['read', 'secret/data/one', 'hvs.t'],
      ['list', 'secret/metadata', 'hvs.t'],
      ['update', 'secret/data/two', undefined],
      ['read', 'secret/data/three', undefined],
    ]);
    assert.deepEqual(s.pipeline.requests.at(-2)!.body, { x: 1 });
  });

  it('reads a head split across several segments, and answers with Connection: close', async () => {
    const raw = await rawExchange(
      s.port,
      ['LI', 'ST /v1/auth/userpass/us', 'ers?x=1 HTTP/1.1\r\nHost: loc', 'alhost\r\nX-Vault-', 'Token: hvs.split\r\n', 'X-Vault-Namespace: ns1/\r\n', '\r\n'],
      15,
    );
    const res = lastResponse(raw);
    assert.equal(res.status, 200);
    assert.match(res.head, /\r\nConnection: close(\r\n|$)/i);
    assert.match(res.head, /\r\ncontent-type: application\/json\r\n/i);
    assert.match(res.head, /\r\ncache-control: no-store\r\n/i);
    assert.deepEqual(JSON.parse(res.body), { data: { keys: ['a', 'b/'] }, path: 'auth/userpass/users' });
    const req = s.pipeline.last;
    assert.equal(req.operation, 'list');
    assert.equal(req.token, 'hvs.split');
    assert.equal(req.namespace, 'ns1/');
    assert.deepEqual(req.query, { x: '1' });
    assert.equal(req.remoteAddress, '127.0.0.1');
  });

  it('restores a method split across segments', async () => {
    for (const split of [1, 2, 3, 4, 5]) {
      const request = `LIST /v1/split/${split} HTTP/1.1\r\nHost: x\r\n\r\n`;
      const res = lastResponse(await rawExchange(s.port, [request.slice(0, split), request.slice(split)], 20));
      assert.equal(res.status, 200, `split after ${split}`);
      assert.equal(s.pipeline.last.rawPath, `split/${split}`);
      assert.equal(s.pipeline.last.operation, 'list');
    }
  });

  it('reads a LIST body by Content-Length, also when it arrives later', async () => {
    const body = '{"after":"k1","limit":10}';
    const raw = await rawExchange(
      s.port,
      [`LIST /v1/secret/metadata HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body.slice(0, 5), body.slice(5)],
      20,
    );
    assert.equal(lastResponse(raw).status, 200);
    assert.deepEqual(s.pipeline.last.body, { after: 'k1', limit: 10 });
    await run(CURL, ['-sS', '-X', 'LIST', '-H', 'Content-Type: application/json', '-d', '{"via":"curl"}', `${s.http.url}/v1/secret/metadata`]);
    assert.equal(s.pipeline.last.operation, 'list');
    assert.deepEqual(s.pipeline.last.body, { via: 'curl' });
  });

  it('answers Expect: 100-continue before the body', async () => {
    const { stdout } = await run(CURL, [
      '-sS', '-X', 'LIST', '-H', 'Expect: 100-continue', '--expect100-timeout', '10',
      '-d', JSON.stringify({ big: 'x'.repeat(4000) }), '-w', '\n%{time_total}', `${s.http.url}/v1/secret/metadata`,
    ]);
    const [, seconds] = stdout.split('\n');
    assert.ok(Number(seconds) < 5, `curl waited ${seconds}s for 100 Continue`);
    assert.equal((s.pipeline.last.body['big'] as string).length, 4000);
  });

  it('refuses oversized headers with 431, and chunked or oversized bodies', async () => {
    const before = s.pipeline.requests.length;
    const big = await rawExchange(s.port, ['LIST /v1/a HTTP/1.1\r\nHost: x\r\n', `X-Big: ${'a'.repeat(20_000)}\r\n`, '\r\n']);
    assert.equal(lastResponse(big).status, 431);
    const endless = await rawExchange(s.port, ['LIST /v1/a HTTP/1.1\r\n', ...Array.from({ length: 40 }, (_, i) => `X-H${i}: ${'b'.repeat(500)}\r\n`)], 1);
    assert.equal(lastResponse(endless).status, 431, 'a head that never ends is cut at the limit');
    const chunked = await rawExchange(s.port, ['LIST /v1/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n']);
    assert.equal(lastResponse(chunked).status, 400);
    const huge = await rawExchange(s.port, [`LIST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`]);
    assert.equal(lastResponse(huge).status, 413);
    assert.deepEqual(JSON.parse(lastResponse(huge).body), { errors: ['http: request body too large'] });
    const malformed = await rawExchange(s.port, ['LIST /v1/a HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']);
    assert.equal(lastResponse(malformed).status, 400);
    assert.equal(s.pipeline.requests.length, before);
    assert.equal((await send(s.port, 'GET', '/v1/a')).status, 200);
  });

  it('keeps the default answer for other unknown methods and bad requests', async () => {
    const res = lastResponse(await rawExchange(s.port, ['FROB /v1/a HTTP/1.1\r\nHost: x\r\n\r\n']));
    assert.equal(res.status, 400);
    assert.match(res.head, /Connection: close/);
    assert.deepEqual(JSON.parse(res.body), { errors: ['bad request'] });
  });

  it('serves a Python requests.Session mixing LIST with GET and PUT', async (t) => {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import requests'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      if (process.env['CI'] === 'true') assert.fail(`python3 with requests is required in CI: ${probe.stderr}`);
      t.skip('python3 with requests is not installed');
      return;
    }
    const script = `
import json, sys, requests
base = sys.argv[1]
s = requests.Session()
s.headers['X-Vault-Token'] = 'hvs.py'
out = []
for method, path in [('GET', 'secret/data/a'), ('LIST', 'secret/metadata'), ('GET', 'secret/data/b'),
                     ('LIST', 'auth/token/accessors'), ('PUT', 'secret/data/c'), ('LIST', 'sys/policies/acl')]:
    r = s.request(method, base + '/v1/' + path, json={'k': 'v'} if method == 'PUT' else None, timeout=10)
    out.append([method, r.status_code, r.headers.get('Content-Type'), r.json()])
print(json.dumps(out))
`;
    const { stdout } = await run('/usr/bin/python3', ['-c', script, s.http.url]);
    const results = JSON.parse(stdout) as [string, number, string, { path: string }][];
    assert.equal(results.length, 6);
    for (const [method, status, type, body] of results) {
      assert.equal(status, 200, method);
      assert.equal(type, 'application/json');
      assert.ok(body.path);
    }
    const ops = s.pipeline.requests.slice(-6).map((r) => `${r.operation} ${r.rawPath} ${r.token}`);
    assert.deepEqual(ops, [
      'read secret/data/a hvs.py',
      'list secret/metadata hvs.py',
      'read secret/data/b hvs.py',
      'list auth/token/accessors hvs.py',
      'update secret/data/c hvs.py',
      'list sys/policies/acl hvs.py',
    ]);
  });
});

describe('ListMethodTakeover on a bare node:http server', () => {
  let server: Server;
  let port: number;
  let takeover: ListMethodTakeover;
  before(async () => {
    server = createServer((_req, res) => res.end('ok'));
    takeover = new ListMethodTakeover({
      dispatch: (req, res) => res.end(`dispatched ${req.method} ${req.url}`),
      maxBodySize: 100,
      headersTimeoutMs: 200,
      bodyIdleTimeoutMs: 200,
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (!takeover.handleClientError(err, socket)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    takeover.close();
    await new Promise((r) => server.close(r));
  });

  it('answers 408 when the head does not arrive in time', async () => {
    const started = Date.now();
    const res = lastResponse(await rawExchange(port, ['LIST /v1/a HTTP/1.1\r\nHost: x\r\n']));
    assert.equal(res.status, 408);
    assert.ok(Date.now() - started < 2000);
  });

  it('answers 408 when the body stalls', async () => {
    const res = lastResponse(await rawExchange(port, ['LIST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"a"']));
    assert.equal(res.status, 408);
  });

  it('dispatches on the real socket with Connection: close', async () => {
    const raw = await rawExchange(port, ['GET /x HTTP/1.1\r\nHost: x\r\n\r\n', 'LIST /v1/a HTTP/1.1\r\nHost: x\r\n\r\n'], 50);
    assert.match(raw, /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nok/);
    const res = lastResponse(raw);
    assert.equal(res.body, 'dispatched GET /v1/a');
    assert.match(res.head, /Connection: close/);
  });
});
