import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startServerProcess, type ServerProcess } from './server-process.js';

/**
 * HA end to end: two real server processes on one PostgreSQL database. Node A is initialised
 * and both are unsealed; A takes the leader lock, B is a standby that forwards to A. Then A is
 * killed with SIGKILL (no chance to release the lock) and B must take over once A's lease runs
 * out (10 s) and serve the data A wrote.
 *
 * PostgreSQL: SECRETUM_TEST_PG_URL (default the local server, trust auth); a fresh database is
 * created for the test and dropped at the end.
 */
const ADMIN_URL = process.env['SECRETUM_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `secretum_ha_${randomBytes(6).toString('hex')}`;
const dbUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  return url.toString();
})();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A port that was free a moment ago: api_addr must be known before the server starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function nodeConfig(dir: string, name: string, port: number): string {
  const file = join(dir, `${name}.toml`);
  writeFileSync(
    file,
    [
      `api_addr = "http://127.0.0.1:${port}"`,
      '',
      '[storage]',
      'type = "postgres"',
      `connection_url = "${dbUrl}"`,
      'table = "secretum_kv"',
      'ha_enabled = true',
      '',
      '[listener]',
      `address = "127.0.0.1:${port}"`,
      'tls_disable = true',
      '',
    ].join('\n'),
  );
  return file;
}

interface Reply {
  status: number;
  headers: Headers;
  json: any;
}

async function call(url: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${url}/v1/${path}`, {
    method,
    headers: { ...(token && { 'X-Vault-Token': token }), 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    redirect: 'manual',
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** Polls until `check` passes or `ms` elapse; returns how long it took. */
async function eventually(what: string, ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      if (await check()) return Date.now() - started;
    } catch {
      // not yet
    }
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('HA: active and standby nodes on PostgreSQL', () => {
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  let urlA = '';
  let urlB = '';

  before(async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    const dir = mkdtempSync(join(tmpdir(), 'secretum-ha-'));
    const [portA, portB] = [await freePort(), await freePort()];
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    a = await startServerProcess(['--config', nodeConfig(dir, 'a', portA)]);
    b = await startServerProcess(['--config', nodeConfig(dir, 'b', portB)]);
  });

  after(async () => {
    await a?.kill();
    await b?.stop();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it('forwards from the standby, redirects on request, and fails over after kill -9', { timeout: 90_000 }, async () => {
    // Initialise through A; each node is unsealed with the same key, as in Vault.
    const init = await call(urlA, 'PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 });
    assert.equal(init.status, 200, JSON.stringify(init.json));
    const token = init.json.root_token as string;
    const key = init.json.keys[0] as string;
    assert.equal((await call(urlA, 'PUT', 'sys/unseal', undefined, { key })).json.sealed, false);
    await eventually('A becomes active', 15_000, async () => (await call(urlA, 'GET', 'sys/health')).status === 200);
    assert.equal((await call(urlB, 'PUT', 'sys/unseal', undefined, { key })).json.sealed, false);

    // B is a standby: health 429 (200 with standbyok), leader points at A.
    await eventually('B reports standby', 10_000, async () => (await call(urlB, 'GET', 'sys/health')).status === 429);
    const health = await call(urlB, 'GET', 'sys/health');
    assert.equal(health.json.standby, true);
    assert.equal(health.json.sealed, false);
    assert.equal((await call(urlB, 'GET', 'sys/health?standbyok=true')).status, 200);
    const leaderOnB = await call(urlB, 'GET', 'sys/leader');
    assert.equal(leaderOnB.json.ha_enabled, true);
    assert.equal(leaderOnB.json.is_self, false);
    assert.equal(leaderOnB.json.leader_address, urlA);
    assert.equal(leaderOnB.json.leader_cluster_address, '');
    const leaderOnA = await call(urlA, 'GET', 'sys/leader');
    assert.equal(leaderOnA.json.is_self, true);
    assert.equal(leaderOnA.json.leader_address, urlA);

    // Writes through B land on A (forwarded: token, body and all); reads through B work.
    const mount = await call(urlB, 'POST', 'sys/mounts/secret', token, { type: 'kv', options: { version: '2' } });
    assert.equal(mount.status, 204, JSON.stringify(mount.json));
    const write = await call(urlB, 'POST', 'secret/data/app', token, { data: { password: 'p1' } });
    assert.equal(write.status, 200, JSON.stringify(write.json));
    assert.equal(write.json.data.version, 1);
    assert.equal((await call(urlA, 'GET', 'secret/data/app', token)).json.data.data.password, 'p1');
    assert.equal((await call(urlB, 'GET', 'secret/data/app', token)).json.data.data.password, 'p1');
    const list = await call(urlB, 'GET', 'secret/metadata/?list=true', token);
    assert.deepEqual(list.json.data.keys, ['app']);
    // The active node still decides: a bad token forwarded through B is refused by A.
    assert.equal((await call(urlB, 'GET', 'secret/data/app', 'hvs.nope')).status, 403);

    // X-Vault-No-Request-Forwarding: a 307 to the same path on A instead of a proxy.
    const redirect = await call(urlB, 'GET', 'secret/data/app?version=1', token, undefined, { 'X-Vault-No-Request-Forwarding': 'true' });
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get('location'), `${urlA}/v1/secret/data/app?version=1`);

    // kill -9 A: the lock is never released; B takes over when A's lease runs out.
    await a!.kill();
    a = undefined;
    const took = await eventually('B becomes active', 25_000, async () => (await call(urlB, 'GET', 'sys/health')).status === 200);
    assert.ok(took < 25_000);
    const leaderAfter = await call(urlB, 'GET', 'sys/leader');
    assert.equal(leaderAfter.json.is_self, true);
    assert.equal(leaderAfter.json.leader_address, urlB);
    const read = await call(urlB, 'GET', 'secret/data/app', token);
    assert.equal(read.status, 200, JSON.stringify(read.json));
    assert.equal(read.json.data.data.password, 'p1');
    const second = await call(urlB, 'POST', 'secret/data/app', token, { data: { password: 'p2' } });
    assert.equal(second.json.data.version, 2);
  });
});
