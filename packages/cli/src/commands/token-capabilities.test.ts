import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { envelope, startFakeVault, type FakeVault } from '../fake-vault.test-helper.js';
import { runCli } from '../memory-io.test-helper.js';

describe('secretum token capabilities', () => {
  let fake: FakeVault;
  let env: Record<string, string>;

  before(async () => {
    fake = await startFakeVault((req) => {
      const path = (JSON.parse(req.body) as { paths: string[] }).paths[0]!;
      const caps = ['update', 'read', 'create'];
      return { body: envelope({ [path]: caps, capabilities: caps }) };
    });
    env = { VAULT_ADDR: fake.address, VAULT_TOKEN: 'env-token' };
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  after(() => fake.close());

  it('PATH alone asks capabilities-self; prints them sorted, comma-separated', async () => {
    const r = await runCli(['token', 'capabilities', 'secret/data/app'], { env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'create, read, update\n', '']);
    assert.equal(fake.requests[0]!.url, 'sys/capabilities-self');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { paths: ['secret/data/app'] });
  });

  it('TOKEN PATH asks sys/capabilities; -accessor asks capabilities-accessor', async () => {
    await runCli(['token', 'capabilities', 's.other', 'sys/auth'], { env });
    await runCli(['token', 'capabilities', '-accessor', 'acc1', 'sys/auth'], { env });
    assert.deepEqual(
      fake.requests.map((q) => [q.url, JSON.parse(q.body)]),
      [
        ['sys/capabilities', { token: 's.other', paths: ['sys/auth'] }],
        ['sys/capabilities-accessor', { accessor: 'acc1', paths: ['sys/auth'] }],
      ],
    );
  });

  it('JSON and YAML print the list', async () => {
    const json = await runCli(['token', 'capabilities', '-format=json', 'x'], { env });
    assert.deepEqual(JSON.parse(json.stdout), ['create', 'read', 'update']);
    const yaml = await runCli(['token', 'capabilities', '-format=yaml', 'x'], { env });
    assert.equal(yaml.stdout, '- create\n- read\n- update\n');
  });

  it('-accessor without an accessor is a usage error', async () => {
    const r = await runCli(['token', 'capabilities', '-accessor', 'x'], { env });
    assert.deepEqual([r.code, r.stderr], [2, 'Error: `-accessor` needs an accessor argument before PATH\n']);
    assert.equal(fake.requests.length, 0);
  });
});
