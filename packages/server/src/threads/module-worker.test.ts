import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const backendUrl = new URL('../storage/sqlite-backend.js', import.meta.url).href;

/**
 * The SQLite writer thread, started by a process with the given Node flags: a write must be
 * committed by the thread and read back. Flags a worker refuses when passed explicitly
 * (`--expose-gc`) or at all (`--input-type`) must not stop the server's threads from starting.
 */
async function writeAndReadWith(flags: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sv-worker-flags-'));
  try {
    const script =
      `const { SqliteBackend } = await import(${JSON.stringify(backendUrl)});` +
      `const b = SqliteBackend.open(${JSON.stringify(join(dir, 'v.db'))});` +
      `await b.put('k', new TextEncoder().encode('committed'));` +
      `console.log(new TextDecoder().decode(await b.get('k')));` +
      `await b.close();`;
    const { stdout } = await run(process.execPath, [...flags, '--input-type=module', '-e', script], { timeout: 30_000 });
    return stdout.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('startModuleWorker', () => {
  it('starts worker threads under -e, with and without process-wide V8 flags', async () => {
    assert.equal(await writeAndReadWith([]), 'committed');
    assert.equal(await writeAndReadWith(['--expose-gc']), 'committed');
  });
});
