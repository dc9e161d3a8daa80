// Database engine benchmark (issue 5). Run from the repo root after building (the lease part
// starts the CLI's server from dist):
//   node --import tsx bench/db-creds.mjs [--rounds 5] [--pairs 100] [--only ratio,concurrent,leases]
//                                        [--leases 10000] [--profile FILE.cpuprofile]
// Needs the shared PostgreSQL on 127.0.0.1:5432 (user postgres, trust). Prints, per
// BENCHMARKING.md, ratios to a floor measured in the same run:
//  1. ratio: credentials generated + revoked per second through the pipeline (in-process
//     createVault on in-memory SQLite, root token, no HTTP) and the database engine, vs a bare
//     `pg` client doing CREATE ROLE … PASSWORD / GRANT / DROP OWNED / DROP ROLE serially (DROP
//     ROLE alone fails while the grant exists); alternating rounds, median ratio; and the
//     database round trips per credential of each, counted on pg's Client.query;
//  2. concurrent: 10 concurrent creds requests on one database, 5 batches: errors must be 0;
//  3. leases: a fresh `secretum server` PROCESS (dist, SQLite file in /tmp) holding N outstanding
//     database leases: its RSS (/proc/<pid>/status) before and after, and the time from the
//     unseal request until every lease is listed again. The role's creation statement is a
//     trivial SELECT, so no PostgreSQL role is created; the lease records are the real engine's.
// --profile FILE: a CPU profile (node:inspector) of the engine rounds only, for profile-summary.mjs.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { devVault, send, body } from '../packages/server/src/pipeline/pipeline-test-kit.ts';
import { databaseEngine } from '../packages/server/src/engines/database/index.ts';
import { freePort, startServer, stop, stopAll } from './lib/process.mjs';
import { writeSqliteConfig } from './lib/vault.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(HERE, '../packages/cli/bin/secretum.js');
const { values: opt } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.ROUNDS ?? '5' },
    pairs: { type: 'string', default: process.env.PAIRS ?? '100' },
    leases: { type: 'string', default: '10000' },
    only: { type: 'string', default: 'ratio,concurrent,leases' },
    profile: { type: 'string' },
  },
});
const ROUNDS = Number(opt.rounds);
const PAIRS = Number(opt.pairs);
const only = new Set(opt.only.split(','));
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Every query any pg client of this process sends (the engine's pool uses the same module).
let pgQueries = 0;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  pgQueries++;
  return originalQuery.apply(this, args);
};


async function databaseRounds() {
  const admin = new pg.Client(PG);
  await admin.connect();
  await admin.query('CREATE TABLE IF NOT EXISTS bench_granted (x int)');

  async function bareRound() {
    const t0 = performance.now();
    for (let i = 0; i < PAIRS; i++) {
      const name = `b-${randomBytes(8).toString('hex')}`;
      const pw = randomBytes(15).toString('base64url');
      await admin.query(`CREATE ROLE "${name}" WITH LOGIN PASSWORD '${pw}' VALID UNTIL '2099-01-01'`);
      await admin.query(`GRANT SELECT ON bench_granted TO "${name}"`);
      await admin.query(`DROP OWNED BY "${name}"`);
      await admin.query(`DROP ROLE "${name}"`);
    }
    return PAIRS / ((performance.now() - t0) / 1000);
  }

  const vault = await devVault([{ type: 'database', kind: 'secrets', factory: databaseEngine }]);
  await send(vault, 'update', 'sys/mounts/database', { body: { type: 'database' } });
  const cfg = await send(vault, 'update', 'database/config/pg', {
    body: { plugin_name: 'postgresql-database-plugin', connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres', username: 'postgres', password: 'unused', allowed_roles: '*' },
  });
  if (cfg.status !== 204) throw new Error(JSON.stringify(cfg.body));
  await send(vault, 'update', 'database/roles/bench', {
    body: { db_name: 'pg', creation_statements: `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON bench_granted TO "{{name}}"`, default_ttl: '1h' },
  });

  async function engineRound() {
    const t0 = performance.now();
    for (let i = 0; i < PAIRS; i++) {
      const res = await send(vault, 'read', 'database/creds/bench');
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      const rev = await send(vault, 'update', 'sys/leases/revoke', { body: { lease_id: body(res).lease_id } });
      if (rev.status !== 204) throw new Error(JSON.stringify(rev.body));
    }
    return PAIRS / ((performance.now() - t0) / 1000);
  }

  // Warm-up (Cedar, pools), counting database round trips per credential on the way.
  let q0 = pgQueries;
  await bareRound();
  const bareTrips = (pgQueries - q0) / PAIRS;
  q0 = pgQueries;
  await engineRound();
  const engineTrips = (pgQueries - q0) / PAIRS;
  console.log(`database round trips per generate+revoke: bare ${bareTrips.toFixed(2)}, engine ${engineTrips.toFixed(2)}`);

  if (opt.profile) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const t0 = performance.now();
    for (let r = 0; r < ROUNDS; r++) await engineRound();
    const seconds = (performance.now() - t0) / 1000;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(resolve(opt.profile), JSON.stringify(profile));
    session.disconnect();
    console.log(`profile of ${ROUNDS * PAIRS} generate+revoke cycles (${seconds.toFixed(1)} s) written to ${opt.profile}`);
  } else if (only.has('ratio')) {
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const floor = await bareRound();
      const engine = await engineRound();
      rounds.push({ floor, engine, ratio: engine / floor });
      console.log(`round ${r + 1}: bare ${floor.toFixed(1)} pairs/s, engine ${engine.toFixed(1)} pairs/s, ratio ${(engine / floor).toFixed(3)}`);
    }
    const ratios = rounds.map((x) => x.ratio);
    const short = ratios.filter((x) => x < 0.8).length;
    console.log(`generate+revoke ratio (median of ${ROUNDS}): ${median(ratios).toFixed(3)} (target >= 0.8; ${short} of ${ROUNDS} rounds short)`);
  }

  if (only.has('concurrent')) {
    let errors = 0;
    let ok = 0;
    const tc = performance.now();
    for (let b = 0; b < 5; b++) {
      const results = await Promise.all(Array.from({ length: 10 }, () => send(vault, 'read', 'database/creds/bench')));
      for (const r of results) r.status === 200 ? ok++ : errors++;
    }
    console.log(`10 concurrent x 5 batches: ${ok} ok, ${errors} errors, ${(ok / ((performance.now() - tc) / 1000)).toFixed(1)} creds/s`);
    await send(vault, 'update', 'sys/leases/revoke-prefix/database/creds/bench');
  }
  await vault.close();
  const left = await admin.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'v-root-bench-%'`);
  console.log(`roles left behind by the engine: ${left.rows[0].n}`);
  await admin.query('DROP TABLE bench_granted');
  await admin.end();
}

/** VmRSS and VmHWM of a process, in MiB. */
function memOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

// Preloaded into the server process (a data: URL, so the server's code is untouched): on SIGUSR2
// it writes its V8 heap figures to stderr, after a full GC, so the live heap of the leases can be
// told apart from garbage not yet collected. The RSS figures are read from /proc without any GC.
const PROBE = `data:text/javascript,${encodeURIComponent(`process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stderr.write(JSON.stringify({ memprobe: { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss } }) + '\\n');
});`)}`;

/** Asks the server's probe for its heap after a full GC (MiB). */
async function heapOf(server) {
  const seen = server.stderr().length;
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const line = server.stderr().slice(seen).split('\n').find((l) => l.includes('"memprobe"'));
    if (line) {
      const { memprobe: m } = JSON.parse(line);
      return { heapUsed: m.heapUsed / 2 ** 20, heapTotal: m.heapTotal / 2 ** 20, rss: m.rss / 2 ** 20 };
    }
  }
  throw new Error('no answer from the memory probe');
}

async function outstandingLeases(n) {
  const port = await freePort();
  const { dir, file } = writeSqliteConfig(port);
  const server = await startServer({ name: 'secretum', core: 0, nodeArgs: ['--expose-gc', '--import', PROBE], args: [CLI, 'server', '--config', file] });
  const pid = server.child.pid; // taskset execs node: same pid
  const call = async (method, path, { token, body: payload } = {}) => {
    const headers = { 'content-type': 'application/json' };
    if (token) headers['x-vault-token'] = token;
    const res = await fetch(`${server.url}/v1/${path}`, { method, headers, body: payload && JSON.stringify(payload) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const must = async (...args) => {
    const res = await call(...args);
    if (res.status >= 300) throw new Error(`${args[0]} ${args[1]}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };
  try {
    const init = await must('PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
    const key = init.keys_base64?.[0] ?? init.keys[0];
    const token = init.root_token;
    await must('PUT', 'sys/unseal', { body: { key } });
    await must('POST', 'sys/mounts/database', { token, body: { type: 'database' } });
    await must('POST', 'database/config/pg', {
      token,
      body: { plugin_name: 'postgresql-database-plugin', connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres', username: 'postgres', password: 'unused', allowed_roles: '*' },
    });
    await must('POST', 'database/roles/mem', { token, body: { db_name: 'pg', creation_statements: `SELECT '{{name}}' <> ''`, default_ttl: '24h' } });
    await must('GET', 'database/creds/mem', { token }); // pools, Cedar, first lease
    await new Promise((r) => setTimeout(r, 2000));
    const before = memOf(pid);
    const heapBefore = await heapOf(server);
    const t0 = performance.now();
    for (let i = 1; i < n; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => must('GET', 'database/creds/mem', { token })));
    }
    const regSeconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const after = memOf(pid);
    const heapAfter = await heapOf(server);
    const fmt = (x) => x.toFixed(0);
    console.log(
      `${n} outstanding leases in a fresh server process (registered in ${regSeconds.toFixed(1)} s): ` +
        `RSS ${fmt(before.rss)} MiB before, ${fmt(after.rss)} MiB after (+${fmt(after.rss - before.rss)} MiB), peak ${fmt(after.hwm)} MiB (target < 200 MiB); ` +
        `live heap after a full GC ${fmt(heapBefore.heapUsed)} -> ${fmt(heapAfter.heapUsed)} MiB (+${(heapAfter.heapUsed - heapBefore.heapUsed).toFixed(1)} MiB, ` +
        `${fmt(((heapAfter.heapUsed - heapBefore.heapUsed) * 2 ** 20) / n)} B per lease), RSS after that GC ${fmt(heapAfter.rss)} MiB`,
    );
    await must('PUT', 'sys/seal', { token });
    const tu = performance.now();
    await must('PUT', 'sys/unseal', { body: { key } });
    const unsealMs = performance.now() - tu;
    let listed = 0;
    for (;;) {
      const res = await call('GET', 'sys/leases/lookup/database/creds/mem/?list=true', { token });
      listed = res.json?.data?.keys?.length ?? 0;
      if (listed >= n || performance.now() - tu > 30_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const restoredMs = performance.now() - tu;
    const afterUnseal = memOf(pid);
    console.log(
      `unseal: response in ${unsealMs.toFixed(0)} ms, all ${listed} leases listed again ${restoredMs.toFixed(0)} ms after the unseal request (target < 5000 ms); ` +
        `RSS after unseal ${afterUnseal.rss.toFixed(0)} MiB, peak ${afterUnseal.hwm.toFixed(0)} MiB`,
    );
  } finally {
    // No database role exists behind these leases: stopping the server and removing its
    // storage leaves nothing behind.
    await stop(server.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  if (only.has('ratio') || only.has('concurrent')) await databaseRounds();
  if (only.has('leases')) await outstandingLeases(Number(opt.leases));
} finally {
  await stopAll();
}
