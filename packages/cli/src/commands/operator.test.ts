import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFakeVault, type FakeHandler, type FakeVault } from '../fake-vault.test-helper.js';
import { runCli } from '../memory-io.test-helper.js';

const sealed = { type: 'shamir', initialized: true, sealed: true, t: 3, n: 5, progress: 1, nonce: 'n1', version: '0.1.0' };

describe('secretum operator', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let env: Record<string, string>;

  before(async () => {
    fake = await startFakeVault((req) => handler(req));
    env = { VAULT_ADDR: fake.address };
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  after(() => fake.close());

  it('init sends the shares and prints keys and the root token like vault', async () => {
    handler = () => ({ body: { keys: ['aa', 'bb'], keys_base64: ['qg==', 'uw=='], root_token: 'hvs.root' } });
    const r = await runCli(['operator', 'init', '-key-shares=2', '-key-threshold', '2'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { secret_shares: 2, secret_threshold: 2 });
    assert.match(r.stdout, /^Unseal Key 1: qg==\nUnseal Key 2: uw==\n\nInitial Root Token: hvs\.root\n/);
  });

  it('init refuses a threshold above the shares without calling the server', async () => {
    const r = await runCli(['operator', 'init', '-key-shares=2', '-key-threshold=3'], { env });
    assert.equal(r.code, 2);
    assert.equal(fake.requests.length, 0);
  });

  it('unseal takes the key as an argument, from stdin, or -reset', async () => {
    handler = () => ({ body: sealed });
    await runCli(['operator', 'unseal', 'k1'], { env });
    await runCli(['operator', 'unseal'], { env, stdin: 'k2\n' });
    const reset = await runCli(['operator', 'unseal', '-reset'], { env });
    assert.deepEqual(
      fake.requests.map((r) => r.body),
      ['{"key":"k1"}', '{"key":"k2"}', '{"reset":true}'],
    );
    assert.match(reset.stdout, /Unseal Progress\s+1\/3/);
  });

  it('status exits 2 when sealed and 0 when unsealed; also as top-level status', async () => {
    handler = () => ({ body: sealed });
    const s = await runCli(['operator', 'status'], { env });
    assert.equal(s.code, 2);
    assert.equal(s.stderr, '');
    assert.match(s.stdout, /Sealed\s+true/);
    handler = () => ({ body: { ...sealed, sealed: false, cluster_name: 'c1' } });
    const u = await runCli(['status', '-format=json'], { env });
    assert.equal(u.code, 0);
    assert.equal(JSON.parse(u.stdout).cluster_name, 'c1');
  });

  it('seal, rotate and key-status', async () => {
    handler = (req) => (req.url === 'sys/key-status' ? { body: { term: 2, install_time: 't', encryptions: 9 } } : { status: 204 });
    assert.equal((await runCli(['operator', 'seal'], { env })).stdout, 'Success! Vault is sealed.\n');
    const rotated = await runCli(['operator', 'rotate'], { env });
    assert.match(rotated.stdout, /Success! Rotated key\n\nKey\s+Value\n---\s+-----\nKey Term\s+2\n/);
    const ks = await runCli(['operator', 'key-status', '-format=json'], { env });
    assert.deepEqual(JSON.parse(ks.stdout), { term: 2, install_time: 't', encryptions: 9 });
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.url}`),
      ['PUT sys/seal', 'PUT sys/rotate', 'GET sys/key-status', 'GET sys/key-status'],
    );
  });

  it('reports a sealed server in one line', async () => {
    handler = () => ({ status: 503, body: { errors: ['Vault is sealed'] } });
    const r = await runCli(['operator', 'rotate'], { env });
    assert.deepEqual([r.code, r.stderr], [1, 'Error rotating key: Vault is sealed (503)\n']);
  });

  it('reports a refused connection in one line, without a stack', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runCli(['operator', 'status', `-address=http://127.0.0.1:${port}`], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error checking seal status: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
