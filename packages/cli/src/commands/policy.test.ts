import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Command } from 'commander';
import { normalizeArgv } from '../args.js';
import { CliError } from '../errors.js';
import { envelope, startFakeVault, type FakeHandler, type FakeVault } from '../fake-vault.test-helper.js';
import { memoryIo } from '../memory-io.test-helper.js';
import { policyCommand } from './policy.js';

/** Runs `secretum policy …` on its own (run.ts registers it with one line). */
async function runPolicy(argv: string[], options: Parameters<typeof memoryIo>[0]) {
  const io = memoryIo(options);
  const program = new Command('secretum').exitOverride();
  const policy = policyCommand(io);
  program.addCommand(policy);
  for (const sub of policy.commands) sub.exitOverride();
  let code = 0;
  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'user' });
  } catch (err) {
    code = err instanceof CliError ? err.exitCode : 2;
    if (err instanceof CliError) io.err(`${err.message}\n`);
  }
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('secretum policy', () => {
  let fake: FakeVault;
  let handler: FakeHandler = () => undefined;
  let env: Record<string, string>;
  before(async () => {
    fake = await startFakeVault((req) => handler(req));
    env = { VAULT_ADDR: fake.address, VAULT_TOKEN: 'env-token' };
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  after(() => fake.close());

  it('write uploads a file or stdin as {"policy": …}', async () => {
    handler = () => ({ status: 204 });
    const text = 'permit(principal, action, resource);';
    const r = await runPolicy(['policy', 'write', 'dev', 'dev.cedar'], { env, files: { 'dev.cedar': text } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.url, 'sys/policies/cedar/dev');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { policy: text });
    assert.equal(r.stdout, 'Success! Uploaded policy: dev\n');
    const s = await runPolicy(['policy', 'write', 'dev', '-'], { env, stdin: text });
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(JSON.parse(fake.requests[1]!.body), { policy: text });
  });

  it('write reports the server’s 400 with Cedar’s line and column', async () => {
    handler = () => ({ status: 400, body: { errors: ['policy `dev`: unexpected token at line 1, column 8'] } });
    const r = await runPolicy(['policy', 'write', 'dev', '-'], { env, stdin: 'permit(' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 1, column 8/);
  });

  it('read, list and delete', async () => {
    handler = (req) =>
      req.method === 'GET' && req.url === 'sys/policies/cedar/dev'
        ? { body: envelope({ name: 'dev', policy: 'permit(principal, action, resource);' }) }
        : req.method === 'LIST' || req.url.includes('list=true')
          ? { body: envelope({ keys: ['default', 'dev', 'root'] }) }
          : { status: 204 };
    assert.equal((await runPolicy(['policy', 'read', 'dev'], { env })).stdout, 'permit(principal, action, resource);\n');
    assert.equal((await runPolicy(['policy', 'list'], { env })).stdout, 'default\ndev\nroot\n');
    const d = await runPolicy(['policy', 'delete', 'dev'], { env });
    assert.equal(d.stdout, 'Success! Deleted policy: dev\n');
    assert.equal(fake.requests.at(-1)!.method, 'DELETE');
  });

  it('explain asks sys/policies/cedar-explain for a principal or the calling token', async () => {
    const data = { decision: 'deny', policy_ids: ['seed/1'], errors: [], principal: 'User::"alice"', action: 'Action::"read"', resource: 'Secret::"secret/database/prod/x"' };
    handler = () => ({ body: envelope(data) });
    const r = await runPolicy(
      ['policy', 'explain', '-path=secret/data/database/prod/x', '-operation=read', '-principal=User::"alice"', '-group=developers', '-format=json'],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.url, 'sys/policies/cedar-explain');
    assert.deepEqual(JSON.parse(fake.requests[0]!.body), { principal: 'User::"alice"', groups: ['developers'], operation: 'read', path: 'secret/data/database/prod/x' });
    assert.deepEqual(JSON.parse(r.stdout), data);
    const t = await runPolicy(['policy', 'explain', '-path=secret/data/x'], { env });
    assert.deepEqual(JSON.parse(fake.requests[1]!.body), { token: 'env-token', operation: 'read', path: 'secret/data/x' });
    assert.match(t.stdout, /decision\s+deny/);
    const bad = await runPolicy(['policy', 'explain', '-path=x', '-operation=fly'], { env });
    assert.equal(bad.code, 2);
  });
});
