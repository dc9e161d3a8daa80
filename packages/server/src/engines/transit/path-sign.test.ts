import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openssl, opensslSkip, withTempDir } from './openssl.test-util.js';
import { b64, batchResults, mountTransit, obj, rejectsVault, str } from './test-harness.js';

const skip = opensslSkip();
const input = Buffer.from('the quick brown fox signs a message');
const sigBytes = (signature: string) => Buffer.from(signature.split(':')[2]!, 'base64');

/** The public key of version 1 as `keys/:name` shows it. */
async function publicKeyOf(t: Awaited<ReturnType<typeof mountTransit>>, name: string, query: Record<string, unknown> = {}) {
  const keys = obj((await t.send('read', `keys/${name}`, query))?.data?.['keys']);
  return str(obj(keys['1']), 'public_key');
}

describe('transit sign/verify interop with openssl', { skip }, () => {
  it('ed25519: openssl pkeyutl -rawin accepts transit signatures; tampering is caught', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/ed', { type: 'ed25519' });
    const signed = await t.call('update', 'sign/ed', { input: b64(input) });
    assert.deepEqual(signed.authz, { action: 'sign', resource: 'transit/ed' });
    const signature = str(signed.response?.data, 'signature');
    assert.match(signature, /^vault:v1:/);
    const raw = Buffer.from(await publicKeyOf(t, 'ed'), 'base64');
    assert.equal(raw.length, 32);
    const pem = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'pub.pem'), pem);
      await writeFile(join(dir, 'in.bin'), input);
      await writeFile(join(dir, 'sig.bin'), sigBytes(signature));
      await writeFile(join(dir, 'bad.bin'), Buffer.concat([input, Buffer.from('!')]));
      const args = ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-sigfile', 'sig.bin', '-in'];
      const ok = await openssl([...args, 'in.bin'], dir);
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.out, /Signature Verified Successfully/);
      assert.notEqual((await openssl([...args, 'bad.bin'], dir)).code, 0);
    });
    const verify = await t.call('update', 'verify/ed', { input: b64(input), signature });
    assert.deepEqual(verify.authz, { action: 'read', resource: 'transit/ed' });
    assert.equal(verify.response?.data?.['valid'], true);
    assert.equal((await t.send('update', 'verify/ed', { input: b64('other'), signature }))?.data?.['valid'], false);
  });

  it('ecdsa-p256: signs the sha2-256 digest (DER), which openssl pkeyutl verifies; openssl signatures verify in transit', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/ec', { type: 'ecdsa-p256', exportable: true });
    const keyInfo = obj(obj((await t.send('read', 'keys/ec'))?.data?.['keys'])['1']);
    assert.equal(keyInfo['name'], 'P-256');
    const signature = str((await t.send('update', 'sign/ec', { input: b64(input) }))?.data, 'signature');
    const digest = createHash('sha256').update(input).digest();
    const privatePem = str(obj((await t.send('read', 'export/signing-key/ec/1'))?.data?.['keys']), '1');
    assert.match(privatePem, /BEGIN EC PRIVATE KEY/);
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'pub.pem'), str(keyInfo, 'public_key'));
      await writeFile(join(dir, 'key.pem'), privatePem);
      await writeFile(join(dir, 'digest.bin'), digest);
      await writeFile(join(dir, 'in.bin'), input);
      await writeFile(join(dir, 'sig.der'), sigBytes(signature));
      const ok = await openssl(['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-in', 'digest.bin', '-sigfile', 'sig.der'], dir);
      assert.equal(ok.code, 0, ok.out);
      const dgst = await openssl(['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', 'in.bin'], dir);
      assert.match(dgst.out, /Verified OK/);
      // The other way round: openssl signs the digest, transit verifies.
      const made = await openssl(['pkeyutl', '-sign', '-inkey', 'key.pem', '-in', 'digest.bin', '-out', 'ossl.der'], dir);
      assert.equal(made.code, 0, made.out);
      const osslSig = `vault:v1:${(await readFile(join(dir, 'ossl.der'))).toString('base64')}`;
      assert.equal((await t.send('update', 'verify/ec', { input: b64(input), signature: osslSig }))?.data?.['valid'], true);
    });
  });

  it('rsa: pss and pkcs1v15 signatures verify with openssl', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/rsa', { type: 'rsa-2048' });
    const pub = await publicKeyOf(t, 'rsa');
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'pub.pem'), pub);
      await writeFile(join(dir, 'in.bin'), input);
      for (const [alg, opts] of [
        ['pss', ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:auto']],
        ['pkcs1v15', []],
      ] as const) {
        const signature = str((await t.send('update', 'sign/rsa/sha2-384', { input: b64(input), signature_algorithm: alg }))?.data, 'signature');
        await writeFile(join(dir, `${alg}.sig`), sigBytes(signature));
        const res = await openssl(['dgst', '-sha384', ...opts, '-verify', 'pub.pem', '-signature', `${alg}.sig`, 'in.bin'], dir);
        assert.match(res.out, /Verified OK/, alg);
        const verified = await t.send('update', 'verify/rsa/sha2-384', { input: b64(input), signature, signature_algorithm: alg });
        assert.equal(verified?.data?.['valid'], true, alg);
      }
    });
  });
});

describe('transit sign/verify', () => {
  it('jws marshaling gives 64-byte r||s in base64url that verifies; asn1 verification of it fails cleanly', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/ec', { type: 'ecdsa-p256' });
    const signature = str((await t.send('update', 'sign/ec', { input: b64(input), marshaling_algorithm: 'jws' }))?.data, 'signature');
    const payload = signature.split(':')[2]!;
    assert.match(payload, /^[A-Za-z0-9_-]+$/);
    assert.equal(Buffer.from(payload, 'base64url').length, 64);
    const ok = await t.send('update', 'verify/ec', { input: b64(input), signature, marshaling_algorithm: 'jws' });
    assert.equal(ok?.data?.['valid'], true);
    await rejectsVault(t.send('update', 'sign/ec', { input: b64(input), marshaling_algorithm: 'pem' }), 400, /marshaling/);
  });

  it('derived ed25519 keys sign per context and return the public key', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/dd', { type: 'ed25519', derived: true });
    await rejectsVault(t.send('update', 'sign/dd', { input: b64(input) }), 400, /context/);
    const a = (await t.send('update', 'sign/dd', { input: b64(input), context: b64('a') }))?.data;
    const b = (await t.send('update', 'sign/dd', { input: b64(input), context: b64('b') }))?.data;
    assert.notEqual(str(a, 'publickey'), str(b, 'publickey'));
    assert.equal(await publicKeyOf(t, 'dd', { context: b64('a') }), str(a, 'publickey'));
    const signature = str(a, 'signature');
    assert.equal((await t.send('update', 'verify/dd', { input: b64(input), signature, context: b64('a') }))?.data?.['valid'], true);
    assert.equal((await t.send('update', 'verify/dd', { input: b64(input), signature, context: b64('b') }))?.data?.['valid'], false);
  });

  it('honours min_decryption_version for signatures and handles batches', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/s', { type: 'ed25519' });
    const old = str((await t.send('update', 'sign/s', { input: b64(input) }))?.data, 'signature');
    await t.send('update', 'keys/s/rotate');
    const res = await t.send('update', 'sign/s', { batch_input: [{ input: b64('one') }, { input: 'bad!' }, { input: b64('two') }] });
    assert.equal(res?.status, 400);
    const results = batchResults(res?.data);
    assert.match(str(results[0], 'signature'), /^vault:v2:/);
    assert.match(str(results[1], 'error'), /base64/);
    const verified = batchResults(
      (await t.send('update', 'verify/s', {
        batch_input: [
          { input: b64('one'), signature: results[0]?.['signature'] },
          { input: b64('two'), signature: results[0]?.['signature'] },
        ],
      }))?.data,
    );
    assert.deepEqual(verified.map((r) => r['valid']), [true, false]);
    await t.send('update', 'keys/s/config', { min_decryption_version: 2 });
    await rejectsVault(t.send('update', 'verify/s', { input: b64(input), signature: old }), 400, /disallowed by policy/);
  });

  it('rejects what it cannot do with 400', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/aes', {});
    await t.send('update', 'keys/ec', { type: 'ecdsa-p256' });
    await rejectsVault(t.send('update', 'sign/aes', { input: b64(input) }), 400, /does not support signing/);
    await rejectsVault(t.send('update', 'sign/ec', { input: b64(input), prehashed: true }), 400, /prehashed/);
    await rejectsVault(t.send('update', 'sign/ec/md5', { input: b64(input) }), 400, /hash algorithm/);
    await rejectsVault(t.send('update', 'sign/ec', {}), 400, /missing input/);
    await rejectsVault(t.send('update', 'sign/nokey', { input: b64(input) }), 400, /signing key not found/);
    await rejectsVault(t.send('update', 'verify/ec', { input: b64(input) }), 400, /signature' or 'hmac/);
    await rejectsVault(t.send('update', 'verify/ec', { input: b64(input), signature: 'vault:v1:%%%' }), 400, /base64/);
    const garbage = await t.send('update', 'verify/ec', { input: b64(input), signature: `vault:v1:${b64('garbage')}` });
    assert.equal(garbage?.data?.['valid'], false);
  });
});
