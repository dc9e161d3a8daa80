import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dataOf, openssl, requireOpenssl, rootAndIntermediate, scratch, str } from './pki-test-kit.js';
import { encodeError, parseOcspRequest } from './ocsp-codec.js';

describe('pki ocsp', () => {
  it('answers good, then revoked, to openssl requests by GET and POST, signed by the issuer', async (t) => {
    if (!requireOpenssl(t)) return;
    const { int, intPem, rootPem } = await rootAndIntermediate();
    await int.send('update', 'roles/web', { allowed_domains: 'example.com', allow_subdomains: true });
    const leaf = await dataOf(int, 'update', 'issue/web', { common_name: 'o.example.com', ttl: '1h' });
    const s = await scratch(t);
    await s.write('ca.pem', intPem);
    await s.write('chain.pem', `${intPem}\n${rootPem}\n`);
    await s.write('leaf.pem', str(leaf, 'certificate'));
    const req = await openssl(['ocsp', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-reqout', 'req.der'], s.dir);
    assert.equal(req.code, 0, req.stderr);
    const der = await readFile(join(s.dir, 'req.der'));
    assert.equal(parseOcspRequest(der)?.certIds.length, 1);

    const check = async (name: string, viaPost: boolean) => {
      const res = viaPost
        ? await int.call('update', 'ocsp', { ocsp_request: der.toString('base64') })
        : await int.call('read', `ocsp/${der.toString('base64')}`);
      assert.deepEqual(res.authz, { action: 'read', resource: 'pki_int/certs' });
      const raw = res.response!.raw!;
      assert.equal(raw.contentType, 'application/ocsp-response');
      await s.write(name, raw.body as Uint8Array);
      const out = await openssl(['ocsp', '-respin', name, '-issuer', 'ca.pem', '-VAfile', 'ca.pem', '-cert', 'leaf.pem', '-resp_text'], s.dir);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stderr, /Response verify OK/);
      return out.stdout;
    };
    assert.match(await check('good-get.der', false), /leaf\.pem: good/);
    assert.match(await check('good-post.der', true), /leaf\.pem: good/);
    await int.send('update', 'revoke', { serial_number: str(leaf, 'serial_number') });
    const revoked = await check('revoked.der', false);
    assert.match(revoked, /leaf\.pem: revoked/);
    assert.match(revoked, /Revocation Time:/);
  });

  it('answers unknown for a serial it never issued, and unauthorized for a foreign issuer', async (t) => {
    if (!requireOpenssl(t)) return;
    const { root, int, intPem, rootPem } = await rootAndIntermediate();
    const s = await scratch(t);
    await s.write('int.pem', intPem);
    await s.write('root.pem', rootPem);
    const req = await openssl(['ocsp', '-issuer', 'int.pem', '-serial', '0x0123456789', '-reqout', 'req.der'], s.dir);
    assert.equal(req.code, 0, req.stderr);
    const der = await readFile(join(s.dir, 'req.der'));
    const unknown = (await int.send('update', 'ocsp', { ocsp_request: der.toString('base64') }))!.raw!;
    await s.write('unknown.der', unknown.body as Uint8Array);
    const out = await openssl(['ocsp', '-respin', 'unknown.der', '-issuer', 'int.pem', '-VAfile', 'int.pem', '-serial', '0x0123456789', '-resp_text'], s.dir);
    assert.match(out.stdout, /0x0123456789: unknown/);
    // The root mount does not own the intermediate's certificates.
    const foreign = (await root.send('update', 'ocsp', { ocsp_request: der.toString('base64') }))!.raw!;
    assert.equal(foreign.status, 401);
    assert.deepEqual([...(foreign.body as Uint8Array)], [...encodeError(6)]);
  });

  it('answers malformedRequest (400) to garbage', async () => {
    const { int } = await rootAndIntermediate();
    const bad = (await int.send('read', 'ocsp/bm90IGFuIG9jc3AgcmVxdWVzdA=='))!.raw!;
    assert.equal(bad.status, 400);
    assert.deepEqual([...(bad.body as Uint8Array)], [...encodeError(1)]);
    assert.equal((await int.send('update', 'ocsp', {}))!.raw!.status, 400);
  });
});
