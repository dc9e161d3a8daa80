import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../memory-io.test-helper.js';

describe('secretum print token', () => {
  const home = mkdtempSync(join(tmpdir(), 'secretum-print-'));
  after(() => rmSync(home, { recursive: true, force: true }));

  it('prints -token, else VAULT_TOKEN, else the token file', async () => {
    writeFileSync(join(home, '.vault-token'), 's.stored\n');
    assert.equal((await runCli(['print', 'token'], { env: { HOME: home } })).stdout, 's.stored\n');
    assert.equal((await runCli(['print', 'token'], { env: { HOME: home, VAULT_TOKEN: 's.env' } })).stdout, 's.env\n');
    assert.equal((await runCli(['print', 'token', '-token=s.flag'], { env: { HOME: home, VAULT_TOKEN: 's.env' } })).stdout, 's.flag\n');
  });

  it('exits 2 when there is no token anywhere', async () => {
    const r = await runCli(['print', 'token'], { env: { HOME: join(home, 'nowhere') } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'No token: give -token, set VAULT_TOKEN or run `secretum login`\n']);
  });
});
