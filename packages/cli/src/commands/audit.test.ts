import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { envelope, startFakeVault, type FakeVault } from '../fake-vault.test-helper.js';
import { memoryIo } from '../memory-io.test-helper.js';
import { auditCommand } from './audit.js';

/** Runs `secretum audit …` (the command is built directly until run.ts registers it). */
async function audit(args: string[], options: Parameters<typeof memoryIo>[0] = {}) {
  const io = memoryIo(options);
  const program = new Command('secretum').exitOverride();
  program.addCommand(auditCommand(io).exitOverride());
  for (const c of program.commands[0]!.commands) c.exitOverride();
  try {
    await program.parseAsync(['audit', ...args], { from: 'user' });
    return { code: 0, stdout: io.stdout, stderr: io.stderr };
  } catch (err) {
    return { code: (err as { exitCode?: number }).exitCode ?? 1, stdout: io.stdout, stderr: io.stderr + String((err as Error).message) };
  }
}

/** A real log, written by the server's file device (loaded by URL: another package). */
async function serverLog(dir: string): Promise<{ text: string; pem: string }> {
  // From src/ under tsx the sources load; from dist/ the compiled files do.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = (p: string) =>
    new URL(`../../../server/${fromSource ? 'src' : 'dist'}/${p}.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  const { createDevice } = (await import(url('audit/device-factory'))) as any;
  const { loadDeviceKeys } = (await import(url('audit/device-keys'))) as any;
  const { MapStore } = (await import(url('framework/engine-harness'))) as any;
  const { PrefixView } = (await import(url('storage/storage-view'))) as any;
  const file = join(dir, 'audit.log');
  const device = createDevice('file', 'file', { file_path: file, checkpoint_entries: '4' }, 'api', () => Date.now());
  const keys = await loadDeviceKeys(new PrefixView(new MapStore(), ''), 'file');
  device.setKeys(keys);
  await device.open();
  for (let i = 0; i < 10; i++) {
    await device.log({
      type: i % 2 ? 'response' : 'request',
      time: new Date().toISOString(),
      requestId: `r${i >> 1}`,
      operation: 'read',
      path: `secret/data/app/${i}`,
      remoteAddress: '127.0.0.1',
      data: { value: `secret-${i}` },
      ...(i % 2 && { status: 200 }),
    });
  }
  await device.close();
  return { text: await readFile(file, 'utf8'), pem: keys.publicKeyPem };
}

describe('secretum audit verify', () => {
  let dir: string;
  let log: { text: string; pem: string };
  let lines: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-audit-'));
    log = await serverLog(dir);
    lines = log.text.trimEnd().split('\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const verify = (text: string, extra: string[] = []) =>
    audit(['verify', 'a.log', '--public-key', 'k.pem', ...extra], { files: { 'a.log': text, 'k.pem': log.pem } });
  const join_ = (ls: string[]) => ls.join('\n') + '\n';

  it('passes an untouched file', async () => {
    const r = await verify(log.text);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OK: 10 entries, \d+ checkpoints, 1 segment\(s\), signatures valid/);
  });

  it('catches a deleted line', async () => {
    const ls = [...lines];
    ls.splice(3, 1);
    const r = await verify(join_(ls));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a\.log:4: 1 entry deleted before this line/);
  });

  it('catches an edited value', async () => {
    const ls = [...lines];
    ls[2] = ls[2]!.replace('secret/data/app/', 'secret/data/other/');
    const r = await verify(join_(ls));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a\.log:3: altered/);
  });

  it('catches two swapped lines', async () => {
    const ls = [...lines];
    [ls[2], ls[3]] = [ls[3]!, ls[2]!];
    const r = await verify(join_(ls));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a\.log:3: .*reordered/);
  });

  it('catches a truncated tail: a cut line, or whole lines gone', async () => {
    const cut = await verify(log.text.slice(0, log.text.length - 20));
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, new RegExp(`a\\.log:${lines.length}: incomplete last line`));
    const short = await verify(join_(lines.slice(0, -2)));
    assert.equal(short.code, 1);
    assert.match(short.stderr, /not covered by a signed checkpoint: the tail was truncated/);
  });

  it('catches a forged entry even when the chain was recomputed, given the public key', async () => {
    const ls = [...lines];
    // Insert a made-up entry after line 2 and re-chain everything after it.
    const forged = JSON.parse(ls[1]!) as Record<string, unknown>;
    forged['request'] = { path: 'secret/data/forged', operation: 'read' };
    ls.splice(2, 0, JSON.stringify(forged));
    const rechained: string[] = [ls[0]!];
    for (let i = 1; i < ls.length; i++) {
      const e = JSON.parse(ls[i]!) as Record<string, unknown>;
      e['seq'] = i;
      e['prev_hash'] = 'sha256:' + createHash('sha256').update(rechained[i - 1]!).digest('hex');
      rechained.push(JSON.stringify(e));
    }
    const r = await verify(join_(rechained));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /checkpoint signature invalid/);
    const other = await audit(['verify', 'a.log'], { files: { 'a.log': join_(rechained) } });
    assert.equal(other.code, 0); // without the key only the chain can be checked…
    assert.match(other.stderr, /signatures not checked/); // …and the CLI says so
  });

  it('catches a deleted head', async () => {
    const r = await verify(join_(lines.slice(1)));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a\.log:1: the log does not start with an open checkpoint/);
  });
});

describe('secretum audit enable|disable|list|report', () => {
  let fake: FakeVault;
  const seen: { method: string; url: string; body: string }[] = [];
  before(async () => {
    fake = await startFakeVault((req) => {
      seen.push(req);
      if (req.method === 'GET' && req.url === 'sys/audit') {
        const data = { 'db/': { type: 'database', description: '', options: {}, path: 'db/', local: false } };
        return { body: { ...data, ...envelope(data) } };
      }
      if (req.url === 'sys/audit/db/query') {
        const body = JSON.parse(req.body) as Record<string, unknown>;
        const entry = {
          time: '2026-01-01T12:00:00.000Z',
          type: 'response',
          auth: { display_name: 'alice', principal: 'User::"alice"' },
          request: { operation: 'read', path: 'secret/data/database/prod/password' },
          response: { status: 200 },
          cedar_policy: { decision: 'allow', policy_ids: ['dba-read'], errors: [] },
          error: '',
        };
        return { body: envelope({ entries: body['after'] ? [] : [entry], next_cursor: body['after'] ? null : '7' }) };
      }
      return { status: 204 };
    });
  });
  after(() => fake.close());
  const env = () => ({ VAULT_ADDR: fake.address, VAULT_TOKEN: 't' });

  it('enable sends the type and options; disable deletes; list prints the table', async () => {
    let r = await audit(['enable', 'file', 'file_path=/var/log/a.log', '--path', 'main'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const put = seen.find((s) => s.url === 'sys/audit/main')!;
    assert.deepEqual(JSON.parse(put.body), { type: 'file', options: { file_path: '/var/log/a.log' } });
    r = await audit(['disable', 'main/'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seen.some((s) => s.method === 'DELETE' && s.url === 'sys/audit/main'));
    r = await audit(['list'], { env: env() });
    assert.match(r.stdout, /Path\s+Type\s+Description\n-+\s+-+\s+-+\ndb\/\s+database\s+n\/a/);
  });

  it('report pages through the query and prints who, what, when and the decision', async () => {
    const r = await audit(['report', '--path', 'secret/database/prod', '--since', '30d'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const q = JSON.parse(seen.find((s) => s.url === 'sys/audit/db/query')!.body) as Record<string, unknown>;
    assert.equal(q['path'], 'secret/database/prod');
    assert.equal(q['since'], '30d');
    assert.match(r.stdout, /alice \(User::"alice"\)\s+read\s+secret\/data\/database\/prod\/password\s+allow\s+dba-read\s+200/);
  });
});
