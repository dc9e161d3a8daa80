import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { sign, verify } from 'node:crypto';
import { getPriority } from 'node:os';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { KeyGenerator } from './key-generator.js';
import { WORKER_NICE } from './keygen-worker.js';

/** Runs a module snippet in a fresh Node process; resolves with its exit code and output. */
function runNode(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', source], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe('KeyGenerator', () => {
  it('generates RSA key pairs that sign and verify', async (t) => {
    const gen = new KeyGenerator();
    t.after(() => gen.close());
    const { privateKey, publicKey } = await gen.generateRsaKeyPair(2048);
    assert.equal(privateKey.asymmetricKeyType, 'rsa');
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(privateKey.asymmetricKeyDetails?.publicExponent, 0x10001n);
    const message = Buffer.from('key generation round trip');
    const signature = sign('sha256', message, privateKey);
    assert.ok(verify('sha256', message, publicKey, signature));
    assert.ok(!verify('sha256', Buffer.from('something else'), publicKey, signature));
  });

  it('runs one generation at a time and rejects beyond its bound with 503', async (t) => {
    const gen = new KeyGenerator({ maxPending: 2 });
    t.after(() => gen.close());
    const first = gen.generateRsaKeyPair(1024);
    const second = gen.generateRsaKeyPair(1024);
    assert.equal(gen.pending, 2);
    await assert.rejects(gen.generateRsaKeyPair(1024), (err: unknown) => {
      assert.ok(err instanceof VaultError);
      assert.equal(err.code, 'unavailable');
      assert.equal(err.status, 503);
      return true;
    });
    const pairs = await Promise.all([first, second]);
    assert.equal(pairs.length, 2);
    assert.equal(gen.pending, 0);
    // Room again once the queue has drained.
    await gen.generateRsaKeyPair(1024);
  });

  it('refuses modulus sizes outside its range', async (t) => {
    const gen = new KeyGenerator();
    t.after(() => gen.close());
    await assert.rejects(gen.generateRsaKeyPair(512), RangeError);
    await assert.rejects(gen.generateRsaKeyPair(2048.5), RangeError);
  });

  it('lowers only its own thread\'s priority', async (t) => {
    const gen = new KeyGenerator();
    t.after(() => gen.close());
    await gen.generateRsaKeyPair(1024);
    assert.equal(getPriority(), 0);
    assert.equal(getPriority(process.pid), 0);
    const info = gen.thread;
    assert.ok(info, 'the worker reported its thread');
    if (process.platform !== 'linux') return;
    assert.equal(info.niced, true);
    assert.ok(info.tid !== undefined && info.tid !== process.pid);
    assert.equal(getPriority(info.tid), WORKER_NICE);
  });

  it('fails pending requests on close and starts again afterwards', async () => {
    const gen = new KeyGenerator();
    const stopped = (err: unknown) => err instanceof VaultError && err.status === 503;
    const running = assert.rejects(gen.generateRsaKeyPair(4096), stopped);
    const waiting = assert.rejects(gen.generateRsaKeyPair(1024), stopped);
    await gen.close();
    await Promise.all([running, waiting]);
    assert.equal(gen.pending, 0);
    const pair = await gen.generateRsaKeyPair(1024);
    assert.equal(pair.publicKey.asymmetricKeyDetails?.modulusLength, 1024);
    await gen.close();
  });

  it('never keeps the process alive when idle, but finishes a generation it was asked for', async () => {
    const url = new URL('./key-generator.js', import.meta.url).href;
    // No close(): the process must still exit on its own once the key has arrived.
    const idle = await runNode(`
      import { generateRsaKeyPair } from ${JSON.stringify(url)};
      const pair = await generateRsaKeyPair(1024);
      console.log(pair.privateKey.asymmetricKeyDetails.modulusLength);
    `);
    assert.equal(idle.code, 0, idle.stderr);
    assert.equal(idle.stdout.trim(), '1024');
    // After stop, nothing is left running either.
    const stopped = await runNode(`
      import { generateRsaKeyPair, stopKeyGeneration } from ${JSON.stringify(url)};
      await generateRsaKeyPair(1024);
      await stopKeyGeneration();
      console.log('stopped');
    `);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout.trim(), 'stopped');
  });
});
