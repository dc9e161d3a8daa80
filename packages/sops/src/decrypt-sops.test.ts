import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateIdentity } from 'age-encryption';
import { decryptSops } from './decrypt-sops.js';
import { SopsFormatError, SopsMacMismatchError, SopsNoMatchingKeyError } from './errors.js';
import { EXPECTED, fixtureIdentities, readFixture, replaceOnce } from './fixtures.test-helper.js';

const FILES = ['example.yaml', 'example.json', 'example.ini', 'example.txt'] as const;
const ids = fixtureIdentities();

const decrypt = (text: string | Uint8Array, name: string, identities = ids) =>
  decryptSops(text, { fileName: name, identities });

describe('decryptSops on the real sops fixtures', () => {
  it('reads both identities from keys.txt', () => {
    assert.equal(ids.length, 2);
  });

  for (const file of FILES) {
    for (const [i, identity] of ids.entries()) {
      it(`decrypts ${file} with key ${i + 1} alone to the documented plaintext`, async () => {
        assert.deepEqual(await decrypt(readFixture(file), file, [identity!]), EXPECTED[file]);
      });
    }
  }

  it('keeps document order', async () => {
    const tree = await decrypt(readFixture('example.yaml'), 'example.yaml');
    assert.deepEqual(Object.keys(tree), Object.keys(EXPECTED['example.yaml']));
  });

  it('accepts bytes and detects every format from the content alone', async () => {
    for (const file of FILES) {
      const tree = await decryptSops(new TextEncoder().encode(readFixture(file)), { identities: ids });
      assert.deepEqual(tree, EXPECTED[file], file);
    }
  });

  it('honours an explicit format over the file name', async () => {
    const tree = await decryptSops(readFixture('example.txt'), { format: 'binary', fileName: 'x.yaml', identities: ids });
    assert.equal(tree['data'], EXPECTED['example.txt'].data);
  });
});

describe('decryptSops refuses a tampered file', () => {
  const refuses = async (file: string, text: string) => {
    const err = await decrypt(text, file).then(
      () => assert.fail('a tampered file was accepted'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SopsMacMismatchError, `${file}: ${String(err)}`);
    assert.equal(err.code, 'sops_mac_mismatch');
    assert.doesNotMatch(err.message, /c4r1b0u|going to remain|hi there|ENC\[|\n/);
  };

  it('one character changed in an encrypted yaml value', async () => {
    await refuses('example.yaml', replaceOnce(readFixture('example.yaml'), 'data:DywXZc/D+Q==', 'data:DywXZd/D+Q=='));
  });
  it('one character changed in an _unencrypted yaml value (only the MAC catches it)', async () => {
    await refuses('example.yaml', replaceOnce(readFixture('example.yaml'), 'remain in clear text', 'remain in clear texT'));
  });
  it('a clear yaml list item removed', async () => {
    await refuses('example.yaml', replaceOnce(readFixture('example.yaml'), '    - remain in clear text\n', ''));
  });
  it('an encrypted yaml key removed', async () => {
    const text = readFixture('example.yaml');
    const line = text.split('\n').find((l) => l.startsWith('number: '))!;
    await refuses('example.yaml', replaceOnce(text, `${line}\n`, ''));
  });
  it('the mac replaced by another value of the file', async () => {
    const text = readFixture('example.yaml');
    const mac = /mac: (ENC\[[^\]]+\])/.exec(text)![1]!;
    const other = /myapp1: (ENC\[[^\]]+\])/.exec(text)![1]!;
    await refuses('example.yaml', replaceOnce(text, mac, other));
  });
  it('the mac removed', async () => {
    const text = readFixture('example.yaml');
    const line = text.split('\n').find((l) => l.startsWith('    mac: '))!;
    await refuses('example.yaml', replaceOnce(text, `${line}\n`, ''));
  });
  it('lastmodified changed (the mac is bound to it)', async () => {
    await refuses('example.yaml', replaceOnce(readFixture('example.yaml'), '2022-03-15T22:11:15Z', '2022-03-15T22:11:16Z'));
  });
  it('one character changed in an encrypted json value', async () => {
    await refuses('example.json', replaceOnce(readFixture('example.json'), 'data:BI/mJA==', 'data:BI/mJB=='));
  });
  it('one character changed in an encrypted ini value', async () => {
    await refuses('example.ini', replaceOnce(readFixture('example.ini'), 'data:dB9CbA==', 'data:dB9CbB=='));
  });
  it('one character changed in an _unencrypted ini value', async () => {
    await refuses('example.ini', replaceOnce(readFixture('example.ini'), 'hi there!', 'hi there?'));
  });
  it('one character changed in the binary payload', async () => {
    await refuses('example.txt', replaceOnce(readFixture('example.txt'), 'data:g9pVRcxC4', 'data:g9pVRcxC5'));
  });
  it('two encrypted values swapped (the key path is their AAD)', async () => {
    const text = readFixture('example.yaml');
    const user = /user: (ENC\[[^\]]+\])/.exec(text)![1]!;
    const password = /password: (ENC\[[^\]]+\])/.exec(text)![1]!;
    await refuses('example.yaml', text.replace(user, '@@').replace(password, user).replace('@@', password));
  });
  it('an encrypted value replaced by clear text', async () => {
    const text = readFixture('example.json');
    await refuses('example.json', text.replace(/"firstName": "ENC\[[^\]]+\]"/, '"firstName": "John"'));
  });
});

describe('decryptSops errors', () => {
  it('a wrong key is SopsNoMatchingKeyError', async () => {
    const wrong = await generateIdentity();
    for (const file of FILES) {
      await assert.rejects(decrypt(readFixture(file), file, [wrong]), (e: unknown) => {
        assert.ok(e instanceof SopsNoMatchingKeyError);
        assert.equal(e.code, 'sops_no_matching_key');
        assert.ok(!e.message.includes(wrong));
        return true;
      });
    }
  });
  it('no identity at all is SopsNoMatchingKeyError', async () => {
    await assert.rejects(decrypt(readFixture('example.yaml'), 'example.yaml', []), SopsNoMatchingKeyError);
  });
  it('a malformed identity is SopsFormatError and is not echoed', async () => {
    await assert.rejects(decrypt(readFixture('example.yaml'), 'example.yaml', ['AGE-SECRET-KEY-1NOTAKEY']), (e: unknown) => {
      assert.ok(e instanceof SopsFormatError);
      assert.ok(!e.message.includes('NOTAKEY'));
      return true;
    });
  });
  it('a file without sops metadata is SopsFormatError', async () => {
    await assert.rejects(decrypt('password: hunter2\n', 'plain.yaml'), SopsFormatError);
    await assert.rejects(decrypt('{"a": 1}', 'plain.json'), SopsFormatError);
  });
  it('unparsable input is SopsFormatError without quoting it', async () => {
    for (const [name, text] of [
      ['bad.yaml', 'a: [hunter2\n'],
      ['bad.json', '{"a": "hunter2",}'],
      ['bad.ini', '[a]\nhunter2\n'],
      ['bad.env', 'hunter2\n'],
    ] as const) {
      await assert.rejects(decrypt(text, name), (e: unknown) => {
        assert.ok(e instanceof SopsFormatError, name);
        assert.ok(!e.message.includes('hunter2'), e.message);
        return true;
      });
    }
  });
  it('invalid utf-8 bytes are SopsFormatError', async () => {
    await assert.rejects(decrypt(new Uint8Array([0xff, 0xfe, 0x00]), 'x.yaml'), SopsFormatError);
  });
});
