import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineSpec } from '../framework/engine.js';
import { PeriodicJobs } from './periodic-jobs.js';

describe('PeriodicJobs', () => {
  it('runs every engine’s periodic job, keeps going past a failure, and never overlaps runs', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const engines: { path: string; engine: EngineSpec }[] = [
      { path: 'a/', engine: { kind: 'secrets', paths: [], periodic: async () => void calls.push('a') } },
      { path: 'b/', engine: { kind: 'secrets', paths: [], periodic: async () => Promise.reject(new Error('boom\nsecond line')) } },
      { path: 'c/', engine: { kind: 'secrets', paths: [] } },
      { path: 'd/', engine: { kind: 'secrets', paths: [], periodic: async () => (calls.push('d'), slow) } },
    ];
    const log = { debug() {}, info() {}, error() {}, warn: (msg: string, f?: Record<string, unknown>) => void warnings.push(`${msg} ${String(f?.['error'])}`) };
    const jobs = new PeriodicJobs(() => engines, log);
    const first = jobs.runOnce();
    const second = jobs.runOnce();
    assert.equal(first, second, 'a second call joins the running pass');
    release();
    await first;
    assert.deepEqual(calls, ['a', 'd']);
    assert.deepEqual(warnings, ['periodic job failed boom']);
  });
});
