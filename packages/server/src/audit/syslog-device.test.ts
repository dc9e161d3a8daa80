import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { auditedVault, cliVerifier, tempDir } from './audit-test-kit.js';

const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A real rsyslogd, on a temp unix socket and loopback TCP/UDP, writing each MSG to a file. */
async function startRsyslog(dir: string): Promise<{ proc: ChildProcess; socket: string; tcp: number; udp: number; out: string }> {
  const socket = join(dir, 'log.sock');
  const out = join(dir, 'out.log');
  const tcp = await freePort();
  const udp = await freePort();
  const conf = join(dir, 'rsyslog.conf');
  await writeFile(
    conf,
    `global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imptcp")
module(load="imudp")
template(name="msgonly" type="string" string="%msg%\\n")
ruleset(name="audit") { action(type="omfile" file="${out}" template="msgonly" flushOnTXEnd="on" asyncWriting="off") }
input(type="imptcp" path="${socket}" unlink="on" ruleset="audit")
input(type="imptcp" address="127.0.0.1" port="${tcp}" ruleset="audit")
input(type="imudp" address="127.0.0.1" port="${udp}" ruleset="audit")
`,
  );
  const check = spawnSync(RSYSLOGD!, ['-N1', '-f', conf], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  const proc = spawn(RSYSLOGD!, ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
  assert.ok(existsSync(socket), 'rsyslogd did not create its socket');
  return { proc, socket, tcp, udp, out };
}

/** Waits until rsyslog has written `n` lines mentioning `needle`. */
async function waitFor(file: string, needle: string, n: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = existsSync(file) ? await readFile(file, 'utf8') : '';
    if (text.split(needle).length - 1 >= n) return text;
    await sleep(50);
  }
  assert.fail(`rsyslog never wrote ${n} × ${needle}`);
}

// Under CI a missing rsyslogd is a failure (.ci/run installs it), never a silent skip.
if (!RSYSLOGD && process.env['CI'] === 'true') throw new Error('rsyslogd is required in CI (apt-get install -y rsyslog)');
describe('syslog audit device against a real rsyslogd', { skip: !RSYSLOGD && 'rsyslog is not installed (apt-get install -y rsyslog)' }, () => {
  let dir: string;
  let vault: Vault;
  let rs: Awaited<ReturnType<typeof startRsyslog>>;

  before(async () => {
    dir = await tempDir('audit-syslog-');
    rs = await startRsyslog(dir);
    ({ vault } = await auditedVault());
  });
  after(async () => {
    await vault.audit.close();
    await vault.close();
    rs.proc.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('sends RFC 5424 messages over a unix socket, TCP and UDP; the chain verifies from rsyslog’s file', async () => {
    await vault.audit.enable('unix', { type: 'syslog', options: { socket_type: 'unix', address: rs.socket, tag: 'secretum' } });
    await vault.audit.enable('tcp', { type: 'syslog', options: { socket_type: 'tcp', address: `127.0.0.1:${rs.tcp}` } });
    await vault.audit.enable('udp', { type: 'syslog', options: { socket_type: 'udp', address: `127.0.0.1:${rs.udp}` } });
    await send(vault, 'update', 'secret/data/syslog', { body: { data: { v: 'canary-syslog-4d4d' } } });
    const text = await waitFor(rs.out, '"path":"secret/data/syslog"', 6);
    assert.ok(!text.includes('canary-syslog-4d4d'));
    for (const device of ['unix', 'tcp', 'udp']) {
      assert.ok(text.includes(`"device":"${device}"`), device);
    }
    // One device's lines, as rsyslog stored them, verify with the device's public key.
    const pem = vault.audit.publicKey('tcp');
    await vault.audit.disable('unix');
    await vault.audit.disable('udp');
    await vault.audit.disable('tcp'); // writes its closing checkpoint
    const all = await waitFor(rs.out, '"event":"close"', 3);
    const ofTcp = extractDevice(all, 'tcp');
    const { verifyAuditLog } = await cliVerifier();
    const result = verifyAuditLog(ofTcp, { publicKeyPem: pem });
    assert.ok(result.ok, JSON.stringify(result.problem));
    assert.equal(result.entries, 2);
  });

  it('fails closed when the only device’s syslog daemon is gone', async () => {
    await vault.audit.enable('only', { type: 'syslog', options: { socket_type: 'unix', address: rs.socket } });
    assert.equal((await send(vault, 'update', 'secret/data/before', { body: { data: { a: '1' } } })).status, 200);
    rs.proc.kill('SIGKILL');
    await new Promise((resolve) => rs.proc.once('exit', resolve));
    await sleep(200);
    const res = await send(vault, 'update', 'secret/data/after', { body: { data: { a: '1' } } });
    assert.equal(res.status, 500);
    await vault.audit.disable('only');
    assert.equal((await send(vault, 'read', 'secret/data/after')).status, 404);
  });
});

/**
 * The lines one device wrote: the devices share rsyslog's file, so lines are picked by the chain
 * they belong to (checkpoints name the device; entries follow the device's last line by hash).
 */
function extractDevice(text: string, device: string): string {
  const lines = text.split('\n').filter((l) => l.includes('{')).map((l) => l.slice(l.indexOf('{')));
  const out: string[] = [];
  let head: string | undefined;
  for (const l of lines) {
    const e = JSON.parse(l) as Record<string, unknown>;
    const mine = e['type'] === 'checkpoint' ? e['device'] === device : head !== undefined && e['prev_hash'] === head;
    if (!mine) continue;
    out.push(l);
    head = 'sha256:' + createHash('sha256').update(l).digest('hex');
  }
  return out.join('\n') + '\n';
}
