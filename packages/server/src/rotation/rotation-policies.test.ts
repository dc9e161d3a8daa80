import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, parseServerConfig } from '../config/server-config.js';
import { body, ROOT, send } from '../pipeline/pipeline-test-kit.js';
import { createVault, type Vault } from '../server.js';
import { parseRotationPolicies, RotationScheduler } from './rotation-policies.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('rotation policies', () => {
  it('refuses bad entries, naming the key', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ schedule: '0 0 * * 0' }, /rotation_policies\[0\]\.path/],
      [{ path: 'secret/x', schedule: 'every sunday' }, /rotation_policies\[0\]\.schedule/],
      [{ path: 'secret/x', max_age: 'soon' }, /rotation_policies\[0\]\.max_age/],
      [{ path: 'secret/x' }, /a schedule, a max_age, or both/],
    ];
    for (const [entry, message] of bad) {
      assert.throws(() => parseRotationPolicies([entry], 'server.toml'), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    }
    assert.deepEqual(parseRotationPolicies([{ path: 'secret/db/pw', schedule: '0 0 * * 0', max_age: '30d' }]), [
      { path: 'secret/db/pw', schedule: '0 0 * * 0', maxAge: 30 * 86400 },
    ]);
  });

  describe('on a running vault', () => {
    let vault: Vault;
    let initialVersion = 0;
    before(async () => {
      const config = parseServerConfig({
        log_level: 'error',
        storage: { type: 'sqlite', path: ':memory:' },
        listener: { address: '127.0.0.1:0', tls_disable: true },
        // every second (croner's six-field form), so the test sees it fire
        rotation_policies: [{ path: 'secret/app/rotating', schedule: '* * * * * *' }],
      });
      vault = await createVault({ config, dev: { rootTokenId: ROOT } });
      // The schedule may already have fired once: note which version holds our value.
      initialVersion = body(await send(vault, 'update', 'secret/data/app/rotating', { body: { data: { value: 'initial' } } })).data.version;
    });
    after(() => vault.close());

    it('rotates on its schedule: new random values as new versions, the old ones kept', async () => {
      await sleep(2300);
      const meta = body(await send(vault, 'read', 'secret/metadata/app/rotating'));
      assert.ok(meta.data.current_version > initialVersion, `expected rotations after v${initialVersion}, found v${meta.data.current_version}`);
      const latest = body(await send(vault, 'read', 'secret/data/app/rotating')).data.data.value as string;
      assert.match(latest, /^[A-Za-z0-9_-]{32}$/);
      const kept = await send(vault, 'read', 'secret/data/app/rotating', { query: { version: String(initialVersion) } });
      assert.equal(body(kept).data.data.value, 'initial');
    });

    it('rotates a secret older than max_age, and leaves a fresh one alone', async () => {
      await send(vault, 'update', 'secret/data/app/aged', { body: { data: { value: 'old' } } });
      const clock = { now: () => Date.now() + 3_600_000 };
      const scheduler = new RotationScheduler(
        [{ path: 'secret/app/aged', maxAge: 1800 }, { path: 'secret/app/fresh', maxAge: 7200 }],
        vault.pipeline,
        (path) => (path.startsWith('secret/') ? 'secret/' : undefined),
        clock,
        quiet,
      );
      await send(vault, 'update', 'secret/data/app/fresh', { body: { data: { value: 'fresh' } } });
      await scheduler.rotateAged();
      assert.equal(body(await send(vault, 'read', 'secret/metadata/app/aged')).data.current_version, 2);
      assert.equal(body(await send(vault, 'read', 'secret/metadata/app/fresh')).data.current_version, 1);
      assert.equal(await scheduler.rotate('nomount/x'), false);
    });
  });
});
