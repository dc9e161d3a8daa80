import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { VaultRequest } from '../pipeline/vault-request.js';
import { FORWARDED_HEADER, forwardRequest } from './request-forwarder.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('forwardRequest', () => {
  let server: Server;
  let leader: string;
  const seen: Seen[] = [];
  let reply: (res: import('node:http').ServerResponse) => void = (res) => res.end();

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        reply(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    leader = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (over: Partial<VaultRequest>): VaultRequest => ({
    id: 'r',
    operation: 'read',
    rawPath: 'secret/data/a%2Fb',
    query: {},
    body: {},
    remoteAddress: '10.0.0.9',
    headers: { 'x-vault-token': 'hvs.abc', host: 'standby:8200', 'content-length': '12', connection: 'keep-alive' },
    help: false,
    ...over,
  });

  it('sends method, path, query, token and body, and marks the request as forwarded', async () => {
    reply = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-vault-extra': 'kept' });
      res.end('{"data":{"ok":true}}');
    };
    const res = await forwardRequest(leader, request({ operation: 'update', body: { data: { v: 1 } }, query: { q: 'x y' } }));
    const last = seen.at(-1)!;
    assert.equal(last.method, 'PUT');
    assert.equal(last.url, '/v1/secret/data/a%2Fb?q=x+y');
    assert.equal(last.headers['x-vault-token'], 'hvs.abc');
    assert.equal(last.headers['content-type'], 'application/json');
    assert.equal(last.headers[FORWARDED_HEADER], '1');
    assert.equal(last.headers['x-forwarded-for'], '10.0.0.9');
    assert.notEqual(last.headers.host, 'standby:8200');
    assert.deepEqual(JSON.parse(last.body), { data: { v: 1 } });
    assert.deepEqual(res, { status: 200, body: { data: { ok: true } }, headers: { 'x-vault-extra': 'kept' } });
  });

  it('turns LIST into GET ?list=true and PATCH keeps the merge-patch type', async () => {
    reply = (res) => {
      res.writeHead(204);
      res.end();
    };
    assert.deepEqual(await forwardRequest(leader, request({ operation: 'list', rawPath: 'secret/metadata/' })), { status: 204 });
    assert.equal(seen.at(-1)!.url, '/v1/secret/metadata/?list=true');
    assert.equal(seen.at(-1)!.method, 'GET');
    await forwardRequest(leader, request({ operation: 'patch', body: { data: { a: 1 } } }));
    assert.equal(seen.at(-1)!.method, 'PATCH');
    assert.equal(seen.at(-1)!.headers['content-type'], 'application/merge-patch+json');
  });

  it('passes errors, redirects and raw bodies through unchanged', async () => {
    reply = (res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"errors":["permission denied"]}');
    };
    assert.deepEqual(await forwardRequest(leader, request({})), { status: 403, body: { errors: ['permission denied'] } });
    reply = (res) => {
      res.writeHead(307, { location: 'http://elsewhere/v1/x' });
      res.end();
    };
    assert.deepEqual(await forwardRequest(leader, request({})), { status: 307, headers: { location: 'http://elsewhere/v1/x' } });
    reply = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ssh-ed25519 AAAA');
    };
    const raw = await forwardRequest(leader, request({}));
    assert.equal(raw.raw?.contentType, 'text/plain');
    assert.equal(new TextDecoder().decode(raw.raw?.body as Uint8Array), 'ssh-ed25519 AAAA');
  });

  it('answers 503 when the active node cannot be reached', async () => {
    await assert.rejects(forwardRequest('http://127.0.0.1:9', request({})), (err: { status?: number }) => err.status === 503);
  });
});
