import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, sqliteConfig, startServerProcess } from './server-process.js';

// Debian's python3-hvac lives beside Debian's python, not a pyenv one earlier on PATH.
const PYTHON = '/usr/bin/python3';

describe('hvac (Python) against a real server process', () => {
  it('runs the whole hvac script: init, unseal, KV v2 with LIST, tokens, rotate, seal', async () => {
    const probe = spawnSync(PYTHON, ['-c', 'import hvac']);
    assert.equal(probe.status, 0, 'python3-hvac is required (apt-get install python3-hvac); .ci/run installs it');
    const { config } = sqliteConfig();
    const server = await startServerProcess(['--config', config]);
    try {
      const script = join(REPO_ROOT, 'test/e2e/hvac_client.py');
      const { spawn } = await import('node:child_process');
      const child = spawn(PYTHON, [script, server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      assert.equal(code, 0, out);
      assert.match(out, /all checks passed/);
    } finally {
      await server.stop();
    }
  });
});
