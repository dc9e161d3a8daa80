import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CliError } from './errors.js';
import { readStoredToken, storeToken, tokenFilePath } from './token-helper.js';

describe('token helper (~/.vault-token)', () => {
  const home = mkdtempSync(join(tmpdir(), 'secretum-helper-'));
  after(() => rmSync(home, { recursive: true, force: true }));

  it('lives in HOME unless VAULT_TOKEN_FILE says otherwise; no HOME, no file', () => {
    assert.equal(tokenFilePath({ HOME: '/h' }), '/h/.vault-token');
    assert.equal(tokenFilePath({ HOME: '/h', VAULT_TOKEN_FILE: '/t' }), '/t');
    assert.equal(tokenFilePath({}), undefined);
    assert.equal(readStoredToken({}), undefined);
  });

  it('round-trips, trimmed, mode 0600, leaving no temp file', () => {
    const path = storeToken({ HOME: home }, 's.abc');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    writeFileSync(path, '  s.abc\n');
    assert.equal(readStoredToken({ HOME: home }), 's.abc');
    assert.deepEqual(readdirSync(home), ['.vault-token']);
  });

  it('a missing or empty file is no token; an unreadable one is an error', () => {
    assert.equal(readStoredToken({ HOME: join(home, 'absent') }), undefined);
    const empty = join(home, 'empty');
    writeFileSync(empty, '\n');
    assert.equal(readStoredToken({ VAULT_TOKEN_FILE: empty }), undefined);
    const dir = join(home, 'a-dir');
    mkdirSync(dir);
    assert.throws(() => readStoredToken({ VAULT_TOKEN_FILE: dir }), (err: unknown) => err instanceof CliError && /EISDIR/.test(err.message));
  });

  it('storing without a home, or into a read-only directory, fails with one line', () => {
    assert.throws(() => storeToken({}, 's.x'), /HOME is not set/);
    const ro = join(home, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    try {
      // root ignores directory permissions; only assert when the write really failed.
      let failed = false;
      try {
        storeToken({ HOME: ro }, 's.x');
      } catch (err) {
        failed = true;
        assert.ok(err instanceof CliError && /^Error storing the token in `.*`: EACCES$/.test(err.message), String(err));
      }
      if (!failed) assert.equal(readStoredToken({ HOME: ro }), 's.x');
    } finally {
      chmodSync(ro, 0o700);
    }
  });
});
