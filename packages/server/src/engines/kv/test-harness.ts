import type { MountEntry } from '../../framework/engine.js';
import { mountEngine, testMount as baseMount, type EngineHarness } from '../../framework/engine-harness.js';
import { kvEngine } from './index.js';

export { FakeClock, MapStore, rejectsVault, type CallResult, type HttpOperation } from '../../framework/engine-harness.js';

/** The KV engine on an in-memory view (tier-1 tests); KV v2 unless the overrides say otherwise. */
export type KvHarness = EngineHarness;

export function testMount(overrides: Partial<MountEntry> = {}): MountEntry {
  return baseMount({ options: { version: '2' }, ...overrides });
}

export function mountKv(overrides: Partial<MountEntry> = {}): Promise<KvHarness> {
  return mountEngine(kvEngine, { options: { version: '2' }, ...overrides });
}
