import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptSops } from './decrypt-sops.js';
import type { SopsFormat } from './detect-format.js';
import { SopsMacMismatchError } from './errors.js';
import { FIXTURE_RECIPIENT, fixtureIdentities } from './fixtures.test-helper.js';
import { writeSops } from './sops-writer.test-helper.js';
import type { SopsTree } from './tree-node.js';

const ids = fixtureIdentities();
const write = (tree: SopsTree, format: SopsFormat, extra: { macOnlyEncrypted?: boolean } = {}) =>
  writeSops(tree, { format, recipients: [FIXTURE_RECIPIENT], ...extra });
const read = (text: string, format: SopsFormat) => decryptSops(text, { format, identities: ids });

// One plaintext per format, shaped as the format allows (INI: sections of strings; dotenv: flat strings).
const TREES: Record<SopsFormat, SopsTree> = {
  yaml: {
    db: { user: 'app', password: 'p@ss:word/with=odd chars', port: 5432, ratio: 0.25, tls: true },
    '10': 'integer-like keys keep their value',
    list: ['a', '', { nested: 'x' }, [1, 2]],
    empty: '',
    nothing: null,
    big: 9007199254740993n,
    note_unencrypted: 'visible',
  },
  json: { api: { token: 's3cr3t', retries: 3, factor: 1.5, on: false }, items: ['x', 'y'], note_unencrypted: 'visible', empty: '' },
  ini: { database: { user: 'app', password: 's3cr3t', 'key with space': 'v' }, 'not private': { note_unencrypted: 'visible' } },
  dotenv: {
    DB_PASSWORD: 's3cr3t',
    MULTI_LINE: 'line one\nline two\n',
    WITH_EQUALS: 'a=b=c',
    EMPTY: '',
    SPACES: '  padded  ',
    NOTE_unencrypted: 'visible',
  },
  binary: { data: 'the whole file\nwith two lines\n' },
};

const CLEAR_VALUE = 'visible';

describe('round trip through the test SOPS writer', () => {
  for (const format of Object.keys(TREES) as SopsFormat[]) {
    const tree = TREES[format];

    it(`${format}: decrypts to the written tree`, async () => {
      const text = await write(tree, format);
      assert.deepEqual(await read(text, format), tree);
    });

    it(`${format}: refuses one character changed in an encrypted value`, async () => {
      const text = await write(tree, format);
      const m = /data:([A-Za-z0-9+/]{4})/.exec(text)!;
      const flipped = m[1]!.slice(0, 3) + (m[1]![3] === 'A' ? 'B' : 'A');
      await assert.rejects(read(text.replace(m[0], `data:${flipped}`), format), SopsMacMismatchError);
    });

    if (format !== 'binary') {
      it(`${format}: refuses one character changed in an _unencrypted value`, async () => {
        const text = await write(tree, format);
        await assert.rejects(read(text.replace(CLEAR_VALUE, 'visiblE'), format), SopsMacMismatchError);
      });
    }
  }

  it('dotenv: the layout is KEY=ENC[…] lines with sops_ metadata lines', async () => {
    const text = await write(TREES.dotenv, 'dotenv');
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0]!, /^DB_PASSWORD=ENC\[AES256_GCM,data:[^\]]+,type:str\]$/);
    assert.ok(lines.includes('EMPTY='));
    assert.ok(lines.includes('NOTE_unencrypted=visible'));
    assert.ok(lines.some((l) => l.startsWith('sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n')));
    assert.ok(lines.some((l) => l.startsWith('sops_mac=ENC[')));
    // detected by the .env extension and by content
    assert.deepEqual(await decryptSops(text, { fileName: 'prod.env', identities: ids }), TREES.dotenv);
    assert.deepEqual(await decryptSops(text, { identities: ids }), TREES.dotenv);
  });

  it('dotenv: comments and blank lines are ignored, a removed line is refused', async () => {
    const text = await write(TREES.dotenv, 'dotenv');
    assert.deepEqual(await read(`# a comment\n\n${text}`, 'dotenv'), TREES.dotenv);
    const withoutFirst = text.slice(text.indexOf('\n') + 1);
    await assert.rejects(read(withoutFirst, 'dotenv'), SopsMacMismatchError);
  });

  it('mac_only_encrypted: clear values are outside the MAC, encrypted ones inside', async () => {
    const tree = { secret: 's3cr3t', note_unencrypted: CLEAR_VALUE };
    const text = await write(tree, 'yaml', { macOnlyEncrypted: true });
    assert.deepEqual(await read(text, 'yaml'), tree);
    assert.deepEqual(await read(text.replace(CLEAR_VALUE, 'changed'), 'yaml'), { ...tree, note_unencrypted: 'changed' });
    await assert.rejects(read(text.replace(/secret: .*\n/, ''), 'yaml'), SopsMacMismatchError);
  });
});
