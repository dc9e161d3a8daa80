import assert from 'node:assert/strict';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MapStore } from '../framework/engine-harness.js';
import { PrefixView } from '../storage/storage-view.js';
import type { AuditEvent } from './audit-event.js';
import { createDevice } from './device-factory.js';
import { loadDeviceKeys, type DeviceKeys } from './device-keys.js';
import { cliVerifier, tempDir } from './audit-test-kit.js';

const event = (i: number, type: AuditEvent['type'] = 'request'): AuditEvent => ({
  type,
  time: new Date().toISOString(),
  requestId: `r${i}`,
  operation: 'read',
  path: `secret/data/${i}`,
  remoteAddress: '127.0.0.1',
  data: { v: `value-${i}` },
});

describe('file audit device', () => {
  let dir: string;
  let keys: DeviceKeys;
  before(async () => {
    dir = await tempDir();
    keys = await loadDeviceKeys(new PrefixView(new MapStore(), ''), 'f');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('groups concurrent entries and keeps them in one verifiable chain', async () => {
    const file = join(dir, 'group.log');
    const d = createDevice('f', 'file', { file_path: file, checkpoint_entries: '50' }, 'api', () => Date.now());
    d.setKeys(keys);
    await d.open();
    await Promise.all(Array.from({ length: 200 }, (_, i) => d.log(event(i, i % 2 ? 'response' : 'request'))));
    await d.close();
    const text = await readFile(file, 'utf8');
    const { verifyAuditLog } = await cliVerifier();
    const r = verifyAuditLog(text, { publicKeyPem: keys.publicKeyPem });
    assert.ok(r.ok, JSON.stringify(r.problem));
    assert.equal(r.entries, 200);
    // open, periodic (one per batch once 50 entries are due), close
    assert.ok(r.checkpoints >= 3, `${r.checkpoints} checkpoints`);
  });

  it('reopens on rotation (SIGHUP): the old file is closed with a checkpoint, the new one opens', async () => {
    const file = join(dir, 'rot.log');
    const d = createDevice('f', 'file', { file_path: file }, 'api', () => Date.now());
    d.setKeys(keys);
    await d.open();
    await d.log(event(1));
    await rename(file, `${file}.1`);
    await Promise.all([d.log(event(2)), d.reopen(), d.log(event(3))]);
    await d.log(event(4));
    await d.close();
    const { verifyAuditLog } = await cliVerifier();
    const old = verifyAuditLog(await readFile(`${file}.1`, 'utf8'), { publicKeyPem: keys.publicKeyPem });
    const cur = verifyAuditLog(await readFile(file, 'utf8'), { publicKeyPem: keys.publicKeyPem });
    assert.ok(old.ok && cur.ok, JSON.stringify([old.problem, cur.problem]));
    assert.equal(old.entries + cur.entries, 4);
    // Both files together are one history: the new segment names the old file's last line.
    const both = verifyAuditLog((await readFile(`${file}.1`, 'utf8')) + (await readFile(file, 'utf8')), { publicKeyPem: keys.publicKeyPem });
    assert.ok(both.ok, JSON.stringify(both.problem));
  });

  it('appends a new segment after a restart, linked to the last line already in the file', async () => {
    const file = join(dir, 'restart.log');
    for (let run = 0; run < 2; run++) {
      const d = createDevice('f', 'file', { file_path: file }, 'api', () => Date.now());
      d.setKeys(keys);
      await d.open();
      await d.log(event(run));
      await d.close();
    }
    const text = await readFile(file, 'utf8');
    const { verifyAuditLog } = await cliVerifier();
    const r = verifyAuditLog(text, { publicKeyPem: keys.publicKeyPem });
    assert.ok(r.ok, JSON.stringify(r.problem));
    // Dropping the whole first segment shows.
    const lines = text.trimEnd().split('\n');
    const second = lines.findIndex((l, i) => i > 0 && l.includes('"event":"open"'));
    const cut = verifyAuditLog(lines.slice(1, second).concat(lines.slice(second)).join('\n') + '\n', { publicKeyPem: keys.publicKeyPem });
    assert.equal(cut.ok, false);
  });
});
