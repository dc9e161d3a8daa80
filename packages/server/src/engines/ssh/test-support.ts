import assert from 'node:assert/strict';
import { VaultError } from '../../errors.js';
import { FakeClock, mountEngine, type EngineHarness } from '../../framework/engine-harness.js';
import { sshEngine } from './index.js';

/** Test support for the SSH engine's tier-1 tests. */

/** Asserts that `fn` throws a 400 VaultError whose message matches `message`. */
export function throws400(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof VaultError, `expected a VaultError, got ${String(err)}`);
    assert.equal(err.status, 400, err.message);
    assert.match(err.message, message);
    return true;
  });
}

/** Mounts the engine at `ssh/`; with `ca`, also generates a CA of that key type. */
export async function mountSsh(opts: { ca?: string; clock?: FakeClock; path?: string } = {}): Promise<EngineHarness> {
  const h = await mountEngine(sshEngine, { path: opts.path ?? 'ssh/', type: 'ssh' }, opts.clock ?? new FakeClock());
  if (opts.ca !== undefined) await h.send('update', 'config/ca', { generate_signing_key: true, key_type: opts.ca });
  return h;
}

/** Reads a string field from a response's data, failing the test when it is missing. */
export function dataString(data: Record<string, unknown> | null | undefined, name: string): string {
  const value = data?.[name];
  assert.equal(typeof value, 'string', `response data lacks \`${name}\``);
  return String(value);
}
