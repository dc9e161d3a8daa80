import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { send, startTestServer, type TestServer } from './test-kit.js';

describe('createHttpServer', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.http.close());
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

  it('serves on the loopback address with the port the OS chose', () => {
    assert.match(s.http.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(s.port, 0);
  });

  it('maps methods to operations', async () => {
    const cases: [string, string, Record<string, string>?][] = [
      ['GET', 'read'],
      ['HEAD', 'read'],
      ['PUT', 'update'],
      ['POST', 'update'],
      ['PATCH', 'patch', { 'content-type': 'application/merge-patch+json' }],
      ['DELETE', 'delete'],
    ];
    for (const [method, operation, headers] of cases) {
      const res = await send(s.port, method, '/v1/secret/data/a', headers ? { headers } : {});
      assert.equal(res.status, 200, method);
      assert.equal(s.pipeline.last.operation, operation, method);
      assert.equal(s.pipeline.last.rawPath, 'secret/data/a');
    }
  });

  it('GET ?list= parses like Go strconv.ParseBool and is consumed', async () => {
    for (const value of ['1', 'true', 'True', 't', 'TRUE']) {
      await send(s.port, 'GET', `/v1/secret/metadata?list=${value}&x=1`);
      assert.equal(s.pipeline.last.operation, 'list', value);
      assert.deepEqual(s.pipeline.last.query, { x: '1' });
    }
    for (const value of ['false', '0', 'f']) {
      await send(s.port, 'GET', `/v1/secret/metadata?list=${value}`);
      assert.equal(s.pipeline.last.operation, 'read', value);
      assert.deepEqual(s.pipeline.last.query, {});
    }
    const bad = await send(s.port, 'GET', '/v1/secret/metadata?list=yes');
    assert.equal(bad.status, 400);
    assert.deepEqual(json(bad.text), { errors: ['invalid value for the `list` query parameter'] });
  });

  it('consumes ?help= and passes other query parameters as data', async () => {
    await send(s.port, 'GET', '/v1/sys/mounts?help=1');
    assert.equal(s.pipeline.last.help, true);
    assert.deepEqual(s.pipeline.last.query, {});
    await send(s.port, 'DELETE', '/v1/secret/data/a?versions=1&versions=2&name=a+b%21');
    assert.equal(s.pipeline.last.help, false);
    assert.deepEqual(s.pipeline.last.query, { versions: '1,2', name: 'a b!' });
  });

  it('reads the token from X-Vault-Token first, then Authorization: Bearer, never the query', async () => {
    await send(s.port, 'GET', '/v1/a', { headers: { 'x-vault-token': 'hvs.header', authorization: 'Bearer hvs.bearer' } });
    assert.equal(s.pipeline.last.token, 'hvs.header');
    await send(s.port, 'GET', '/v1/a', { headers: { authorization: 'Bearer hvs.bearer' } });
    assert.equal(s.pipeline.last.token, 'hvs.bearer');
    await send(s.port, 'GET', '/v1/a', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(s.pipeline.last.token, undefined);
    await send(s.port, 'GET', '/v1/a?token=hvs.query&x-vault-token=hvs.query');
    assert.equal(s.pipeline.last.token, undefined);
  });

  it('passes namespace, lower-cased headers, remote address and a request id', async () => {
    await send(s.port, 'GET', '/v1/a', { headers: { 'X-Vault-Namespace': 'ns1/ns2/', 'X-Custom': 'v' } });
    const req = s.pipeline.last;
    assert.equal(req.namespace, 'ns1/ns2/');
    assert.equal(req.headers['x-custom'], 'v');
    assert.equal(req.remoteAddress, '127.0.0.1');
    assert.match(req.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(req.clientCertificate, undefined);
  });

  it('parses X-Vault-Wrap-TTL as a duration or seconds, refusing negative and unparsable values', async () => {
    for (const [value, seconds] of [['5m', 300], ['30', 30], ['1h30m', 5400], ['90s', 90]] as const) {
      await send(s.port, 'GET', '/v1/a', { headers: { 'x-vault-wrap-ttl': value } });
      assert.equal(s.pipeline.last.wrapTtl, seconds, value);
    }
    const before = s.pipeline.requests.length;
    for (const value of ['-5', '-1h']) {
      const res = await send(s.port, 'GET', '/v1/a', { headers: { 'x-vault-wrap-ttl': value } });
      assert.equal(res.status, 400);
      assert.deepEqual(json(res.text), { errors: ['requested wrap ttl cannot be negative'] });
    }
    const res = await send(s.port, 'GET', '/v1/a', { headers: { 'x-vault-wrap-ttl': 'soon' } });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(s.pipeline.requests.length, before, 'bad requests never reach the pipeline');
  });

  it('refuses PATCH without application/merge-patch+json with 415', async () => {
    const before = s.pipeline.requests.length;
    const res = await send(s.port, 'PATCH', '/v1/secret/data/a', {
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    assert.equal(res.status, 415);
    assert.deepEqual(Object.keys(json(res.text)), ['errors']);
    assert.equal(s.pipeline.requests.length, before);
    await send(s.port, 'PATCH', '/v1/secret/data/a', {
      headers: { 'content-type': 'application/merge-patch+json; charset=utf-8' },
      body: '{"data":{"a":null}}',
    });
    assert.deepEqual(s.pipeline.last.body, { data: { a: null } });
  });

  it('accepts JSON, form and empty bodies whatever the Content-Type says', async () => {
    await send(s.port, 'PUT', '/v1/a', { headers: { 'content-type': 'text/plain' }, body: ' \n{"a":[1,{"b":true}]}' });
    assert.deepEqual(s.pipeline.last.body, { a: [1, { b: true }] });
    await send(s.port, 'POST', '/v1/a', { headers: { 'content-type': 'nonsense' }, body: '{"x":"y"}' });
    assert.deepEqual(s.pipeline.last.body, { x: 'y' });
    await send(s.port, 'POST', '/v1/a', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'password=p%40ss+word&policies=a&policies=b',
    });
    assert.deepEqual(s.pipeline.last.body, { password: 'p@ss word', policies: 'a,b' });
    await send(s.port, 'POST', '/v1/a', { body: 'constructor=x&toString=y' });
    assert.deepEqual(s.pipeline.last.body, { constructor: 'x', toString: 'y' });
    await send(s.port, 'POST', '/v1/a');
    assert.deepEqual(s.pipeline.last.body, {});
    await send(s.port, 'POST', '/v1/a', { headers: { 'content-type': 'application/json' }, body: '  \r\n' });
    assert.deepEqual(s.pipeline.last.body, {});
  });

  it('answers 400 to malformed JSON without echoing it, and to a non-object', async () => {
    const secret = 'correct-horse-battery-staple';
    const res = await send(s.port, 'PUT', '/v1/a', { body: `{"password": "${secret}", oops}` });
    assert.equal(res.status, 400);
    const errors = json(res.text)['errors'] as string[];
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^failed to parse JSON input: /);
    assert.ok(!res.text.includes(secret));
    const truncated = await send(s.port, 'PUT', '/v1/a', { body: '{"a": ' + 'x'.repeat(100_000) });
    assert.equal(truncated.status, 400);
    assert.ok(truncated.text.length < 200);
    for (const body of ['[1,2]', '[]']) {
      const res = await send(s.port, 'PUT', '/v1/a', { body });
      assert.equal(res.status, 400, body);
      assert.match(res.text, /failed to parse JSON input/);
    }
  });

  it('refuses JSON nested 10,000 deep before parsing, but accepts 500 levels', async () => {
    const deep = await send(s.port, 'PUT', '/v1/a', { body: '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}' });
    assert.equal(deep.status, 400);
    assert.match(deep.text, /maximum depth of 512/);
    const strings = '{"a":"' + '['.repeat(10_000) + '"}';
    await send(s.port, 'PUT', '/v1/a', { body: strings });
    assert.equal((s.pipeline.last.body['a'] as string).length, 10_000, 'brackets inside strings do not count');
    const ok = await send(s.port, 'PUT', '/v1/a', { body: '{"a":' + '['.repeat(500) + ']'.repeat(500) + '}' });
    assert.equal(ok.status, 200);
  });

  it('drops __proto__ keys so nothing is polluted', async () => {
    await send(s.port, 'PUT', '/v1/a', {
      body: '{"a":1,"__proto__":{"polluted":true},"b":{"\\u005f_proto__":{"polluted":true}},"constructor":{"prototype":{"polluted":true}}}',
    });
    const body = s.pipeline.last.body;
    assert.deepEqual(Object.keys(body), ['a', 'b']);
    assert.equal(Object.getPrototypeOf(body), Object.prototype);
    const merged = Object.assign({}, body, body['b']) as Record<string, unknown>;
    assert.equal(merged['polluted'], undefined);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    await send(s.port, 'GET', '/v1/a?__proto__=x&a=1');
    assert.deepEqual(s.pipeline.last.query, { a: '1' });
  });

  it('answers 413 to a 33 MiB body and keeps serving', async () => {
    const res = await send(s.port, 'PUT', '/v1/a', { body: Buffer.alloc(33 * 1024 * 1024, 0x61) });
    assert.equal(res.status, 413);
    assert.deepEqual(json(res.text), { errors: ['http: request body too large'] });
    const ok = await send(s.port, 'GET', '/v1/a');
    assert.equal(ok.status, 200);
  });

  it('answers 413 to an oversized chunked body too', async () => {
    const small = await startTestServer({ max_request_size: 1024 });
    try {
      const res = await send(small.port, 'PUT', '/v1/a', {
        headers: { 'transfer-encoding': 'chunked' },
        body: Buffer.alloc(4096, 0x61),
      });
      assert.equal(res.status, 413);
      assert.equal(small.pipeline.requests.length, 0);
    } finally {
      await small.http.close();
    }
  });

  it('writes JSON with Content-Type exactly application/json and Cache-Control: no-store', async () => {
    s.pipeline.script = () => ({ status: 200, body: { data: { ü: 'ünï' } }, headers: { 'x-vault-custom': '1' } });
    const res = await send(s.port, 'GET', '/v1/a');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-vault-custom'], '1');
    assert.deepEqual(json(res.text), { data: { ü: 'ünï' } });
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text));
  });

  it('writes 204 without body or content type', async () => {
    s.pipeline.script = () => ({ status: 204 });
    const res = await send(s.port, 'PUT', '/v1/sys/policy/x', { body: '{"policy":"x"}' });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal(res.headers['content-type'], undefined);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('writes raw bodies with their content type', async () => {
    s.pipeline.script = () => ({ status: 200, raw: { contentType: 'text/plain', body: 'ssh-ed25519 AAAA' } });
    const text = await send(s.port, 'GET', '/v1/ssh/public_key');
    assert.equal(text.headers['content-type'], 'text/plain');
    assert.equal(text.text, 'ssh-ed25519 AAAA');
    s.pipeline.script = () => ({ status: 200, raw: { contentType: 'application/pkix-crl', body: new Uint8Array([1, 2, 3]) } });
    const der = await send(s.port, 'GET', '/v1/pki/crl');
    assert.equal(der.headers['content-type'], 'application/pkix-crl');
    assert.equal(der.headers['cache-control'], 'no-store');
    assert.deepEqual([...Buffer.from(der.text, 'latin1')], [1, 2, 3]);
  });

  it('answers HEAD sys/health with the status only', async () => {
    s.pipeline.script = () => ({ status: 503, body: { initialized: true, sealed: true } });
    const res = await send(s.port, 'HEAD', '/v1/sys/health');
    assert.equal(res.status, 503);
    assert.equal(res.text, '');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(s.pipeline.last.rawPath, 'sys/health');
  });

  it('keeps error statuses and always answers errors as {"errors":[...]}', async () => {
    s.pipeline.script = () => ({ status: 403, body: { errors: ['permission denied'] } });
    const res = await send(s.port, 'GET', '/v1/secret/data/a');
    assert.equal(res.status, 403);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(json(res.text), { errors: ['permission denied'] });
    s.pipeline.script = () => {
      throw new VaultError('sealed', 'Vault is sealed');
    };
    const sealed = await send(s.port, 'GET', '/v1/secret/data/a');
    assert.equal(sealed.status, 503);
    assert.deepEqual(json(sealed.text), { errors: ['Vault is sealed'] });
  });

  it('answers 500 without a stack when the pipeline throws, and logs it', async () => {
    s.pipeline.script = () => {
      throw new Error('database password is hunter2');
    };
    const res = await send(s.port, 'GET', '/v1/a');
    assert.equal(res.status, 500);
    assert.equal(res.text, '{"errors":["internal error"]}');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.ok(s.errors.some((e) => e.includes('hunter2')), 'the error is logged for the operator');
    s.errors.length = 0;
  });

  it('answers 404 {"errors":[]} off /v1 and 405 to other methods', async () => {
    for (const path of ['/', '/v2/a', '/v1', '/ui/']) {
      const res = await send(s.port, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.text, '{"errors":[]}');
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    for (const method of ['OPTIONS', 'TRACE', 'PROPFIND']) {
      const res = await send(s.port, method, '/v1/secret/data/a');
      assert.equal(res.status, 405, method);
      assert.deepEqual(json(res.text), { errors: ['unsupported operation'] });
    }
  });

  it('hands odd paths to the pipeline still encoded', async () => {
    s.pipeline.script = (req) => ({ status: 400, body: { errors: [`bad path ${req.rawPath}`] } });
    const paths = [
      'secret/%2e%2e/sys',
      'secret/../sys',
      'secret//data',
      'secret/a%00b',
      'secret/a;jsessionid=1',
      'secret/%zz',
      'secret/data/a%2Fb',
      'secret/./x',
      '',
      'x'.repeat(5000),
    ];
    for (const path of paths) {
      const res = await send(s.port, 'GET', `/v1/${path}?a=1`);
      assert.equal(res.status, 400, path);
      assert.equal(s.pipeline.last.rawPath, path);
      assert.deepEqual(s.pipeline.last.query, { a: '1' });
    }
    const double = await send(s.port, 'GET', '//v1/secret');
    assert.equal(double.status, 404);
  });
});
