// Database engine benchmark (issue 5). Run from the repo root:
//   node --import tsx bench/db-creds.mjs
// Needs the shared PostgreSQL on 127.0.0.1:5432 (user postgres). Prints, per BENCHMARKING.md,
// ratios to a floor measured in the same run:
//  1. credentials generated + revoked per second through the pipeline and the database engine,
//     vs a bare `pg` client doing CREATE ROLE … PASSWORD / GRANT / DROP OWNED / DROP ROLE serially
//     (DROP ROLE alone fails while the grant exists); 5 alternating rounds, median ratio;
//  2. 10 concurrent creds requests on one database, 5 batches: errors must be 0;
//  3. 10,000 outstanding leases (synthetic engine): RSS and heap, and unseal time with them restored.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { devVault, send, body } from '../packages/server/src/pipeline/pipeline-test-kit.ts';
import { databaseEngine } from '../packages/server/src/engines/database/index.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PAIRS = Number(process.env.PAIRS ?? 100);
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };

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

const engines = [{ type: 'database', kind: 'secrets', factory: databaseEngine }];
const vault = await devVault(engines);
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await bareRound();
await engineRound(); // warm-up (Cedar, pools)
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const floor = await bareRound();
  const engine = await engineRound();
  rounds.push({ floor, engine, ratio: engine / floor });
  console.log(`round ${r + 1}: bare ${floor.toFixed(1)} pairs/s, engine ${engine.toFixed(1)} pairs/s, ratio ${(engine / floor).toFixed(3)}`);
}
console.log(`generate+revoke ratio (median of ${ROUNDS}): ${median(rounds.map((x) => x.ratio)).toFixed(3)} (target >= 0.8)`);

let errors = 0;
let ok = 0;
const tc = performance.now();
for (let b = 0; b < 5; b++) {
  const results = await Promise.all(Array.from({ length: 10 }, () => send(vault, 'read', 'database/creds/bench')));
  for (const r of results) r.status === 200 ? ok++ : errors++;
}
console.log(`10 concurrent x 5 batches: ${ok} ok, ${errors} errors, ${(ok / ((performance.now() - tc) / 1000)).toFixed(1)} creds/s`);
await send(vault, 'update', 'sys/leases/revoke-prefix/database/creds/bench');
await vault.close();
await admin.query('DROP TABLE bench_granted');
await admin.end();

// 3. 10,000 outstanding leases on a synthetic engine.
const synthetic = async () => ({
  kind: 'secrets',
  paths: [
    {
      pattern: 'creds/:role',
      fields: { role: { type: 'string', description: 'role', required: true } },
      authz: (req) => ({ action: 'generate', resource: `synth/${req.data.role}` }),
      operations: { read: { summary: 'issue', handle: async ({ data }) => ({ data: { u: data.role }, secret: { ttl: 3600, renewable: true, type: 'creds', internal: { db_name: 'pg', username: `v-root-app-${randomBytes(10).toString('hex')}` } } }) } },
      help: { synopsis: 'synthetic' },
    },
  ],
  leases: { creds: { revoke: async () => {}, renew: async () => {} } },
});
const v2 = await devVault([{ type: 'synth', kind: 'secrets', factory: synthetic }]);
await send(v2, 'update', 'sys/mounts/synth', { body: { type: 'synth' } });
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const tl = performance.now();
for (let i = 0; i < 10_000; i += 50) await Promise.all(Array.from({ length: 50 }, () => send(v2, 'read', 'synth/creds/app')));
const regSeconds = (performance.now() - tl) / 1000;
global.gc?.();
const mem = process.memoryUsage();
console.log(`10,000 leases registered in ${regSeconds.toFixed(1)} s; process RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB (was ${(rssBefore / 2 ** 20).toFixed(0)} MiB before), heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
await send(v2, 'update', 'sys/seal');
const tu = performance.now();
const un = await send(v2, 'update', 'sys/unseal', { token: '', body: { key: Buffer.from(v2.unsealKey).toString('hex') } });
const unsealMs = performance.now() - tu;
const listed = body(await send(v2, 'list', 'sys/leases/lookup/synth/creds/app')).data.keys.length;
console.log(`unseal with leases restored: ${unsealMs.toFixed(0)} ms (status ${un.status}); leases listed after unseal: ${listed} (target < 5000 ms, 10000 leases)`);
await v2.close();
