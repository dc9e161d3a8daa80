import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { b64, mountTransit, str } from './test-harness.js';

describe('transit auto-rotation', () => {
  it('periodic() rotates keys whose latest version is older than their period, and only those', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/hourly', { auto_rotate_period: '1h' });
    await t.send('update', 'keys/daily', { auto_rotate_period: '24h' });
    await t.send('update', 'keys/never', {});
    const old = str((await t.send('update', 'encrypt/hourly', { plaintext: b64('before') }))?.data, 'ciphertext');
    const latest = async (name: string) => (await t.send('read', `keys/${name}`))?.data?.['latest_version'];
    assert.ok(t.engine.periodic);

    t.clock.advance(3599);
    await t.engine.periodic();
    assert.equal(await latest('hourly'), 1);

    t.clock.advance(1);
    await t.engine.periodic();
    assert.equal(await latest('hourly'), 2);
    assert.equal(await latest('daily'), 1);
    assert.equal(await latest('never'), 1);
    // A second run at the same instant does nothing more.
    await t.engine.periodic();
    assert.equal(await latest('hourly'), 2);

    t.clock.advance(23 * 3600);
    await t.engine.periodic();
    assert.equal(await latest('hourly'), 3);
    assert.equal(await latest('daily'), 2);
    assert.equal(await latest('never'), 1);
    // Old ciphertext still decrypts; new data uses the new version.
    assert.equal(str((await t.send('update', 'decrypt/hourly', { ciphertext: old }))?.data, 'plaintext'), b64('before'));
    assert.match(str((await t.send('update', 'encrypt/hourly', { plaintext: b64('after') }))?.data, 'ciphertext'), /^vault:v3:/);
  });

  it('turning the period off stops rotation', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', { auto_rotate_period: '1h' });
    await t.send('update', 'keys/k/config', { auto_rotate_period: 0 });
    t.clock.advance(10 * 3600);
    await t.engine.periodic?.();
    assert.equal((await t.send('read', 'keys/k'))?.data?.['latest_version'], 1);
  });
});
