import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAgeIdentities } from './age-identities.js';
import { SopsFormatError } from './errors.js';
import { readFixture } from './fixtures.test-helper.js';

const K1 = 'AGE-SECRET-KEY-1NJT5YCS2LWU4V4QAJQ6R4JNU7LXPDX602DZ9NUFANVU5GDTGUWCQ5T59M6';
const K2 = 'AGE-SECRET-KEY-1T0Z66WSXS6RMNCPSL7P2E8N4Q7SUD8VMG9ND27S08JL7Y2XAU9EQECHDS7';

describe('readAgeIdentities', () => {
  it('reads an age-keygen key file, skipping comments (no trailing newline)', () => {
    assert.deepEqual(readAgeIdentities(readFixture('keys.txt')), [K1, K2]);
  });
  it('reads SOPS_AGE_KEY-style content', () => {
    assert.deepEqual(readAgeIdentities(`${K1}\r\n\r\n${K2}\r\n`), [K1, K2]);
    assert.deepEqual(readAgeIdentities(`SOPS_AGE_KEY=${K1}`), [K1]);
    assert.deepEqual(readAgeIdentities(`export SOPS_AGE_KEY="${K1}\\n${K2}"`), [K1, K2]);
    assert.deepEqual(readAgeIdentities(K1.toLowerCase()), [K1]);
  });
  it('refuses a line that is not an identity, naming only its number', () => {
    assert.throws(
      () => readAgeIdentities(`# ok\n${K1}\nAGE-SECRET-KEY-1 hunter2`),
      (e: unknown) => e instanceof SopsFormatError && /line 3/.test(e.message) && !/hunter2/.test(e.message),
    );
  });
  it('returns nothing for an empty file', () => {
    assert.deepEqual(readAgeIdentities('\n# nothing\n'), []);
  });
});
