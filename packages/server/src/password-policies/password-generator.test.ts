import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { checkGenerates, generatePassword } from './password-generator.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './password-policy.js';
import { parsePolicyText } from './policy-text.js';

const count = (s: string, set: string) => [...s].filter((c) => set.includes(c)).length;

function tally(samples: readonly string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const s of samples) for (const c of s) seen.set(c, (seen.get(c) ?? 0) + 1);
  return seen;
}

describe('password generator', () => {
  it('meets every rule of the default policy on every draw', () => {
    for (let i = 0; i < 1000; i++) {
      const pw = generatePassword(DEFAULT_PASSWORD_POLICY);
      assert.match(pw, /^[A-Za-z0-9-]{20}$/);
      for (const cls of [/[a-z]/, /[A-Z]/, /[0-9]/, /-/]) assert.match(pw, cls);
    }
  });

  it('meets min-chars on every draw and draws each class uniformly (30 chars, lowercase + digits, at least 5 digits)', () => {
    const policy = parsePolicyText('length = 30\nrule "charset" { charset = "abcdefghijklmnopqrstuvwxyz" }\nrule "charset" {\n charset = "0123456789"\n min-chars = 5\n}');
    const samples = Array.from({ length: 2000 }, () => generatePassword(policy));
    for (const pw of samples) {
      assert.match(pw, /^[a-z0-9]{30}$/);
      assert.ok(count(pw, '0123456789') >= 5, pw.length.toString());
    }
    const seen = tally(samples);
    for (const group of ['abcdefghijklmnopqrstuvwxyz', '0123456789']) {
      const counts = [...group].map((c) => seen.get(c) ?? 0);
      const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
      for (const n of counts) assert.ok(Math.abs(n - mean) < mean * 0.25, `${group}: ${counts.join(',')}`);
    }
    // Rejection sampling does not favour any position: digits are as likely first as last.
    const first = samples.filter((s) => /\d/.test(s[0]!)).length;
    const last = samples.filter((s) => /\d/.test(s.at(-1)!)).length;
    assert.ok(Math.abs(first - last) < 150, `${first} vs ${last}`);
  });

  it('is uniform over exactly the passwords the policy allows (chi-square over all 65)', () => {
    // Alphabet {a, b, c}, length 4, at least one `c`: 3⁴ − 2⁴ = 65 passwords.
    const policy = parsePolicyText('length = 4\nrule "charset" { charset = "ab" }\nrule "charset" {\n charset = "c"\n min-chars = 1\n}');
    const per = 200;
    const seen = new Map<string, number>();
    for (let i = 0; i < 65 * per; i++) {
      const pw = generatePassword(policy);
      seen.set(pw, (seen.get(pw) ?? 0) + 1);
    }
    assert.equal(seen.size, 65);
    const chi2 = [...seen.values()].reduce((sum, n) => sum + (n - per) ** 2 / per, 0);
    // 64 degrees of freedom: 133 is the 1 − 10⁻⁶ quantile (Wilson–Hilferty).
    assert.ok(chi2 < 133, `chi-square ${chi2.toFixed(1)}`);
  });

  it('draws from the de-duplicated union of overlapping charsets and meets each rule', () => {
    const policy = parsePolicyText('length = 4\nrule "charset" {\n charset = "abcde"\n min-chars = 1\n}\nrule "charset" {\n charset = "cdefg"\n min-chars = 1\n}');
    const samples = Array.from({ length: 500 }, () => generatePassword(policy));
    for (const pw of samples) {
      assert.match(pw, /^[a-g]{4}$/);
      assert.ok(count(pw, 'abcde') >= 1 && count(pw, 'cdefg') >= 1, pw);
    }
    assert.equal(tally(samples).size, 7);
  });

  it('gives up with a 500 when no candidate passes in its budget, naming no candidate', () => {
    const wide = Array.from({ length: 255 }, (_, i) => String.fromCodePoint(0x100 + i)).join('');
    const hopeless: PasswordPolicy = { length: 100, rules: [{ charset: wide, minChars: 0 }, { charset: 'a', minChars: 60 }] };
    const started = Date.now();
    assert.throws(
      () => generatePassword(hopeless),
      (err: unknown) => err instanceof VaultError && err.status === 500 && /no candidate met every rule/.test(err.message),
    );
    assert.ok(Date.now() - started < 2000, 'bounded');
  });

  it('test-generates on write: refuses an overly restrictive policy with a 400, accepts ordinary ones', () => {
    const wide = Array.from({ length: 255 }, (_, i) => String.fromCodePoint(0x100 + i)).join('');
    const restrictive = parsePolicyText(`length = 20\nrule "charset" { charset = "${wide}" }\nrule "charset" {\n charset = "a"\n min-chars = 6\n}`);
    assert.throws(
      () => checkGenerates(restrictive),
      (err: unknown) => err instanceof VaultError && err.status === 400 && /too restrictive/.test(err.message),
    );
    checkGenerates(DEFAULT_PASSWORD_POLICY);
    checkGenerates(parsePolicyText('length = 4\nrule "charset" {\n charset = "ab"\n min-chars = 2\n}\nrule "charset" {\n charset = "01"\n min-chars = 2\n}'));
  });
});
