import assert from 'node:assert/strict';
import { mountEngine, type EngineHarness } from '../../framework/engine-harness.js';
import type { MountEntry } from '../../framework/engine.js';
import { transitEngine } from './index.js';

export { FakeClock, rejectsVault } from '../../framework/engine-harness.js';

/** The transit engine mounted at `transit/` on an in-memory view (tier-1 tests). */
export function mountTransit(overrides: Partial<MountEntry> = {}): Promise<EngineHarness> {
  return mountEngine(transitEngine, { path: 'transit/', type: 'transit', accessor: 'transit_0000', ...overrides });
}

export const b64 = (text: string | Uint8Array): string => Buffer.from(text).toString('base64');

/** A string field of a response's data, failing the test when it is missing. */
export function str(data: Record<string, unknown> | null | undefined, key: string): string {
  const value = data?.[key];
  assert.equal(typeof value, 'string', `expected data.${key} to be a string`);
  return String(value);
}

/** `data.batch_results` as a list of records. */
export function batchResults(data: Record<string, unknown> | null | undefined): Record<string, unknown>[] {
  const results = data?.['batch_results'];
  assert.ok(Array.isArray(results), 'expected batch_results');
  return results.map((r) => {
    assert.ok(typeof r === 'object' && r !== null && !Array.isArray(r));
    return Object.fromEntries(Object.entries(r));
  });
}

/** A nested object of a response, failing the test when it is not one. */
export function obj(value: unknown): Record<string, unknown> {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object');
  return Object.fromEntries(Object.entries(value));
}
