import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HclSyntaxError, parseHcl } from './hcl-parser.js';

/** Asserts a syntax error at `line`:`column` whose detail matches `detail`. */
function fails(source: string, line: number, column: number, detail: RegExp): void {
  assert.throws(
    () => parseHcl(source),
    (err: unknown) => {
      assert.ok(err instanceof HclSyntaxError, String(err));
      assert.deepEqual(err.at, { line, column }, err.message);
      assert.match(err.message, new RegExp(`^line ${line}, column ${column}: `));
      assert.match(err.message, detail);
      return true;
    },
  );
}

describe('HCL parser (password policy subset)', () => {
  it('parses attributes and labelled blocks, with positions', () => {
    const items = parseHcl('length = 20\nrule "charset" {\n  charset = "abc"\n  min-chars = 1\n}\n');
    assert.deepEqual(items, [
      { kind: 'attribute', name: 'length', value: { kind: 'number', value: 20 }, at: { line: 1, column: 1 }, valueAt: { line: 1, column: 10 } },
      {
        kind: 'block',
        type: 'rule',
        labels: ['charset'],
        at: { line: 2, column: 1 },
        body: [
          { kind: 'attribute', name: 'charset', value: { kind: 'string', value: 'abc' }, at: { line: 3, column: 3 }, valueAt: { line: 3, column: 13 } },
          { kind: 'attribute', name: 'min-chars', value: { kind: 'number', value: 1 }, at: { line: 4, column: 3 }, valueAt: { line: 4, column: 15 } },
        ],
      },
    ]);
  });

  it('reads every kind of comment, and blocks on one line', () => {
    const items = parseHcl('# hash\n// slashes\n/* a\nblock */ length = 8 /* inline */ rule "charset" { charset = "x" } # end');
    assert.deepEqual(
      items.map((i) => (i.kind === 'attribute' ? i.name : `${i.type}:${i.labels.join(',')}:${i.body.length}`)),
      ['length', 'rule:charset:1'],
    );
    assert.deepEqual(parseHcl(''), []);
    assert.deepEqual(parseHcl('  # only a comment\n'), []);
  });

  it('decodes string escapes, including Vault\'s full symbol charset', () => {
    const [attr] = parseHcl('charset = "!\\"#$%&\'()*+,-./:;<=>?@[\\\\]^_`{|}~"');
    assert.ok(attr?.kind === 'attribute');
    assert.equal(attr.value.value, '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
    const [esc] = parseHcl('s = "\\n\\t\\r\\u00e9\\U0001F600${x}"');
    assert.ok(esc?.kind === 'attribute');
    assert.equal(esc.value.value, '\n\t\ré😀${x}');
    const [neg] = parseHcl('n = -3');
    assert.ok(neg?.kind === 'attribute');
    assert.equal(neg.value.value, -3);
  });

  it('counts columns in characters, not UTF-16 units', () => {
    fails('s = "😀😀" ?', 1, 10, /unexpected character `\?`/);
  });

  it('refuses what is not in the grammar, naming line and column', () => {
    fails('length 20', 1, 8, /expected `=` or a block after `length`, found the number 20/);
    fails('length = 2.5', 1, 10, /expected an integer/);
    fails('length = 0x14', 1, 10, /expected an integer/);
    fails('length = 1e3', 1, 10, /expected an integer/);
    fails('length = true', 1, 10, /expected a quoted string or an integer after `length =`, found `true`/);
    fails('length = [1]', 1, 10, /unexpected character `\[`/);
    fails('length = 20,', 1, 12, /unexpected character `,`/);
    fails('length = <<EOT\nx\nEOT', 1, 10, /unexpected character `<`/);
    fails('\n\n  = 3', 3, 3, /expected an attribute name or a block type, found `=`/);
    fails('"rule" {}', 1, 1, /expected an attribute name or a block type, found a quoted string/);
    fails('rule "charset" charset = "x"', 1, 16, /expected `\{` to open the `rule` block, found `charset`/);
    fails('rule "charset" {\n  charset = "x"\n', 1, 16, /the `rule` block opened here is not closed/);
    fails('length = 20\n}', 2, 1, /unexpected `}`/);
    fails('a = 1 ~', 1, 7, /unexpected character `~`/);
    fails('a = 1 \u0007', 1, 7, /unexpected character U\+0007/);
  });

  it('refuses broken strings and comments at where they start', () => {
    fails('x = "abc', 1, 5, /unterminated string/);
    fails('x = "ab\ncd"', 1, 5, /unterminated string/);
    fails('x = "a\\qb"', 1, 7, /unknown escape `\\q`/);
    fails('x = "\\u12"', 1, 6, /`\\u` takes 4 hex digits/);
    fails('x = "\\uD800"', 1, 6, /is not a Unicode character/);
    fails('x = "\\U00110000"', 1, 6, /is not a Unicode character/);
    fails('a = 1\n  /* never closed', 2, 3, /unterminated `\/\*` comment/);
    fails('n = 99999999999999999999', 1, 5, /integer out of range/);
  });

  it('bounds nesting', () => {
    fails(`${'a {'.repeat(9)}${'}'.repeat(9)}`, 1, 27, /nested too deeply/);
    assert.equal(parseHcl(`${'a {'.repeat(8)}${'}'.repeat(8)}`).length, 1);
  });
});
