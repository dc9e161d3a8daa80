import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { envelope, startFakeVault } from './fake-vault.test-helper.js';

const bin = fileURLToPath(new URL('../bin/secretum.js', import.meta.url));

function spawnBin(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Needs `npm run build` (the bin imports dist/main.js).
describe('the secretum binary', () => {
  it('runs kv get against a server, and exits 2 on a missing secret', async () => {
    const fake = await startFakeVault((req) =>
      req.url === 'secret/data/app' ? { body: envelope({ data: { k: 'v' }, metadata: { version: 1 } }) } : undefined,
    );
    try {
      const env = { VAULT_ADDR: fake.address, VAULT_TOKEN: 'root' };
      const ok = await spawnBin(['kv', 'get', '-field=k', 'secret/app'], env);
      assert.deepEqual(ok, { code: 0, stdout: 'v\n', stderr: '' });
      const missing = await spawnBin(['kv', 'get', 'secret/none'], env);
      assert.deepEqual(missing, { code: 2, stdout: '', stderr: 'No value found at secret/data/none\n' });
    } finally {
      await fake.close();
    }
  });
});
