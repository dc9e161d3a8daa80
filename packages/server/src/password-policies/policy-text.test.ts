import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { decodePolicyText, parsePolicyText } from './policy-text.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** Asserts a 400 `invalid password policy: …` whose message matches `detail`. */
function refused(text: string, detail: RegExp): void {
  assert.throws(
    () => parsePolicyText(text),
    (err: unknown) => {
      assert.ok(err instanceof VaultError, String(err));
      assert.equal(err.status, 400);
      assert.match(err.message, /^invalid password policy: /);
      assert.match(err.message, detail);
      return true;
    },
  );
}

describe('password policy documents', () => {
  it('reads the HCL of Vault\'s docs', () => {
    const policy = parsePolicyText(`length = 20
rule "charset" {
  charset = "${LOWER}"
  min-chars = 1
}
rule "charset" {
  charset = "0123456789"
}
`);
    assert.deepEqual(policy, {
      length: 20,
      rules: [
        { charset: LOWER, minChars: 1 },
        { charset: '0123456789', minChars: 0 },
      ],
    });
  });

  it('reads the JSON Vault writes, and a single object where Vault allows a list of one', () => {
    const canonical = parsePolicyText(JSON.stringify({ length: 8, rule: [{ charset: [{ charset: 'abc', 'min-chars': 2 }] }, { charset: [{ charset: '01' }] }] }));
    assert.deepEqual(canonical, { length: 8, rules: [{ charset: 'abc', minChars: 2 }, { charset: '01', minChars: 0 }] });
    const short = parsePolicyText('  {"length": 8, "rule": {"charset": {"charset": "abc", "min-chars": 2}}}');
    assert.deepEqual(short, { length: 8, rules: [{ charset: 'abc', minChars: 2 }] });
  });

  it('decodes base64 text and leaves anything else as written', () => {
    const hcl = 'length = 8\nrule "charset" { charset = "ab" }';
    assert.equal(decodePolicyText(Buffer.from(hcl).toString('base64')), hcl);
    assert.equal(decodePolicyText(Buffer.from(hcl).toString('base64').replace(/(.{8})/g, '$1\n')), hcl, 'line-wrapped base64');
    assert.equal(decodePolicyText(hcl), hcl);
    assert.equal(decodePolicyText('{"length": 8}'), '{"length": 8}');
    assert.throws(() => decodePolicyText(Buffer.from([0xff, 0xfe, 0xfd]).toString('base64')), /base64 text does not decode to UTF-8/);
  });

  it('names the line and column of a syntax error', () => {
    refused('length = 20\nrule "charset" {\n  charset = "abc"\n  min-chars: 1\n}', /^invalid password policy: line 4, column 12: unexpected character `:`/);
  });

  it('refuses unknown attributes, blocks and rule types where they are written', () => {
    refused('length = 8\nchars = "x"', /line 2, column 1: unknown attribute `chars`/);
    refused('length = 8\npolicy { }', /line 2, column 1: unknown block `policy`/);
    refused('length = 8\nrule "testrule" { charset = "x" }', /line 2, column 1: unknown rule type `testrule`/);
    refused('length = 8\nrule { charset = "x" }', /line 2, column 1: a rule block takes one label/);
    refused('length = 8\nrule "charset" "x" { charset = "x" }', /a rule block takes one label/);
    refused('length = 8\nrule "charset" {\n  charset = "x"\n  min_chars = 1\n}', /line 4, column 3: unknown attribute `min_chars` in a `charset` rule/);
    refused('length = 8\nrule "charset" {\n  inner { }\n}', /line 3, column 3: unexpected block `inner`/);
    refused('length = 8\nlength = 9\nrule "charset" { charset = "x" }', /line 2, column 1: `length` is set twice/);
    refused('length = 8\nrule "charset" {\n charset = "x"\n charset = "y"\n}', /line 4, column 2: `charset` is set twice/);
  });

  it('refuses bad values, with where they are', () => {
    refused('rule "charset" { charset = "x" }', /`length` is required/);
    refused('length = "20"\nrule "charset" { charset = "x" }', /`length` must be an integer \(line 1, column 10\)/);
    refused('length = 3\nrule "charset" { charset = "x" }', /passwords must be between 4 and 100 characters, `length` is 3 \(line 1, column 10\)/);
    refused('length = 101\nrule "charset" { charset = "x" }', /between 4 and 100/);
    refused('length = 20', /at least one `rule "charset"` is required/);
    refused('length = 20\nrule "charset" { min-chars = 1 }', /`charset` is required in the rule at line 2, column 1/);
    refused('length = 20\nrule "charset" { charset = "" }', /`charset` must not be empty \(line 2, column 28\)/);
    refused('length = 20\nrule "charset" { charset = 5 }', /`charset` must be a string/);
    refused('length = 20\nrule "charset" { charset = "ab\\tc" }', /not printable/);
    refused('length = 20\nrule "charset" { charset = "a\\u00a0b" }', /not printable/);
    refused('length = 20\nrule "charset" {\n charset = "ab"\n min-chars = -1\n}', /`min-chars` must be an integer of 0 or more \(line 4, column 14\)/);
    refused('length = 4\nrule "charset" {\n charset = "ab"\n min-chars = 3\n}\nrule "charset" {\n charset = "01"\n min-chars = 2\n}', /the rules require at least 5 characters but `length` is 4/);
  });

  it('refuses a document longer than 64 Ki characters', () => {
    const filler = `# ${'x'.repeat(65_536)}\n`;
    refused(`${filler}length = 4\nrule "charset" { charset = "a" }`, /longer than 65536 characters/);
  });

  it('accepts a space in a charset (printable, as Go counts it) and up to 256 distinct characters', () => {
    assert.equal(parsePolicyText('length = 4\nrule "charset" { charset = "a b" }').rules[0]!.charset, 'a b');
    const chars = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    assert.equal(parsePolicyText(`length = 4\nrule "charset" { charset = "${chars.slice(0, 256)}${chars.slice(0, 10)}" }`).length, 4, 'duplicates count once');
    refused(`length = 4\nrule "charset" { charset = "${chars.slice(0, 200)}" }\nrule "charset" { charset = "${chars.slice(150, 257)}" }`, /257 distinct characters together; at most 256/);
  });

  it('refuses bad JSON with its line and column, and unknown JSON keys by path', () => {
    refused('{\n  "length": 20,\n  "rule" 1 }', /not valid JSON: unexpected number \(line 3, column 10\)/);
    refused('{\n  "length": 20,\n  "rule" [] }', /not valid JSON: unexpected token '\['$/);
    refused('{"length": }', /not valid JSON: unexpected token '}'$/);
    refused('{"length": 8, "charset": "abc", "rule": {"charset": {"charset": "x"}}}', /unknown key `charset`/);
    refused('{"length": 8, "rule": [{"charset": {"charset": "x", "min_chars": 1}}]}', /`rule\[0\]\.charset\[0\]`: unknown attribute `min_chars`/);
    refused('{"length": 8, "rule": [{"other": {"x": 1}}]}', /`rule\[0\]`: unknown rule type `other`/);
    refused('{"length": 8, "rule": [{}]}', /`rule\[0\]` must be an object/);
    refused('{"length": 8, "rule": "charset"}', /`rule` must be a list of objects or an object/);
    refused('{"length": 8, "rule": {"charset": {"charset": "x", "min-chars": 1.5}}}', /`min-chars` must be an integer of 0 or more \(`rule\[0\]\.charset\[0\]\.min-chars`\)/);
    refused('[1]', /line 1, column 1: unexpected character `\[`/);
  });
});
