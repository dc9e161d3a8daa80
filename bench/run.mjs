#!/usr/bin/env node
// SecretumVault benchmarks for the "vault core" issue (BENCHMARKING.md procedure):
//   1. http      our HTTP layer + trivial pipeline        ≥ 0.85 × R
//   2. kv-read   KV v2 read, root token, SQLite           ≥ 0.30 × R, and p99 ≤ 3 ms at -c1
//   3. kv-write  KV v2 write, SQLite synchronous=FULL     ≥ 2 × same-run serial FULL commit rate
// R is a bare node:http server with a ~200-byte JSON body, measured in the same rounds.
//
// Usage: node bench/run.mjs [--only http,kv-read,kv-write[,fastify][,ceiling]] [--rounds 5] [--seconds 5]
//                           [--warmup 10] [--connections 64] [--profile DIR] [--json FILE]
//                           [--max-minutes 25]
// --profile DIR: instead of rounds, run each product once under `node --cpu-prof` and print the
// top self-time functions of each profile (see profile-summary.mjs). `fastify` (a plain Fastify
// hello world vs R) is context for target 1; `ceiling` is meaningful with --profile only.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, hostname, loadavg, release } from 'node:os';
import { parseArgs } from 'node:util';
import { freePort, runCommand, startServer, stop, stopAll } from './lib/process.mjs';
import { wrk } from './lib/wrk.mjs';
import { fmtMs, fmtRatio, fmtRps, median } from './lib/stats.mjs';
import { setUpVault, writeSqliteConfig } from './lib/vault.mjs';
import { summariseProfile, formatSummary } from './profile-summary.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const CLI = join(ROOT, 'packages/cli/bin/secretum.js');
const WRITE_LUA = join(HERE, 'kv-write.lua');
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const READ_PATH = 'bench/read';

const { values: opt } = parseArgs({
  options: {
    only: { type: 'string', default: 'http,kv-read,kv-write' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'write-paths': { type: 'string', default: '10000' },
    profile: { type: 'string' },
    json: { type: 'string' },
    'max-minutes': { type: 'string', default: '25' },
  },
});
const only = new Set(opt.only.split(','));
const ROUNDS = Number(opt.rounds);
const SECONDS = Number(opt.seconds);
const WARMUP = Number(opt.warmup);
const CONNS = Number(opt.connections);
const WRITE_PATHS = Number(opt['write-paths']);
/** BENCHMARKING.md: met when the median reaches the goal and at most 2 of 5 rounds fall short. */
const MAX_SHORT = Math.floor((2 / 5) * ROUNDS);

const log = (...a) => console.log(...a);
const temps = [];

// Bounded: whatever happens, stop our children and exit.
const deadline = setTimeout(async () => {
  console.error(`bench: exceeded --max-minutes ${opt['max-minutes']}; stopping`);
  await stopAll();
  process.exit(2);
}, Number(opt['max-minutes']) * 60_000);
deadline.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await stopAll();
    process.exit(130);
  });
}

async function main() {
  for (const tool of ['wrk', 'taskset']) {
    const r = await runCommand('sh', ['-c', `command -v ${tool}`], { timeoutMs: 5000 });
    if (r.code !== 0) throw new Error(`${tool} not found (apt-get install -y ${tool === 'wrk' ? 'wrk' : 'util-linux'})`);
  }
  if (!existsSync(join(ROOT, 'packages/server/dist/http/create-http-server.js'))) {
    throw new Error('packages are not built: npx tsc -b packages/sdk packages/server packages/cli');
  }
  log(`# SecretumVault bench — ${new Date().toISOString()}`);
  log(`# ${hostname()} · ${cpus().length}× ${cpus()[0]?.model} · Linux ${release()} · Node ${process.version}`);
  log(`# server on core ${SERVER_CORE}, wrk -t1 on core ${LOAD_CORE}; ${ROUNDS} rounds × ${SECONDS}s; warm-up ${WARMUP}s`);
  // Other tenants' load distorts R more than the products (see BENCHMARKS.md): record it.
  log(`# load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (opt.profile) return profileAll(resolve(opt.profile));

  const results = {};
  // Target 3's ceiling is the commit floor; R is started only for the benchmarks that use it.
  const needsR = ['http', 'fastify', 'kv-read'].some((b) => only.has(b));
  const ceiling = needsR ? await startNode('ceiling', [join(HERE, 'servers/ceiling.mjs')]) : undefined;
  if (ceiling) await warm(ceiling.url, 'ceiling');
  const R = () => withCpu(ceiling.child.pid, () => wrk({ url: ceiling.url, connections: CONNS, seconds: SECONDS, core: LOAD_CORE }));

  if (only.has('http')) results.http = await benchHttp(R);
  if (only.has('fastify')) results.fastify = await benchFastify(R);
  if (only.has('kv-read') || only.has('kv-write')) {
    const vault = await startVault();
    try {
      if (only.has('kv-read')) results.kvRead = await benchKvRead(R, vault);
      if (only.has('kv-write')) results.kvWrite = await benchKvWrite(vault);
      const size = dbSize(vault.db);
      log(`\nSQLite data set after the run: ${(size / 2 ** 20).toFixed(1)} MiB (limit 512 MiB)`);
    } finally {
      await stop(vault.server.child);
    }
  }
  if (ceiling) await stop(ceiling.child);
  log(`\n# load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  printVerdicts(results);
  if (opt.json) writeFileSync(opt.json, JSON.stringify({ date: new Date().toISOString(), opt, results }, null, 2));
}

// ---------------------------------------------------------------- target 1: HTTP layer

async function benchHttp(R) {
  log('\n## 1. HTTP layer + trivial pipeline vs bare node:http (c=%d)', CONNS);
  const product = await startNode('http-trivial', [join(HERE, 'servers/http-trivial.mjs')]);
  try {
    const url = `${product.url}/v1/bench/trivial`;
    await warm(url, 'http-trivial');
    const P = () => withCpu(product.child.pid, () => wrk({ url, connections: CONNS, seconds: SECONDS, core: LOAD_CORE }));
    return await alternate('http', { ceiling: R, product: P });
  } finally {
    await stop(product.child);
  }
}

/** Context only (`--only fastify`): plain Fastify with the same body, Fastify's own share of the gap. */
async function benchFastify(R) {
  log('\n## (context) plain Fastify hello world vs bare node:http (c=%d)', CONNS);
  const product = await startNode('fastify-hello', [join(HERE, 'servers/fastify-hello.mjs')]);
  try {
    const url = `${product.url}/v1/bench/trivial`;
    await warm(url, 'fastify-hello');
    return await alternate('fastify', { ceiling: R, product: () => wrk({ url, connections: CONNS, seconds: SECONDS, core: LOAD_CORE }) });
  } finally {
    await stop(product.child);
  }
}

// ---------------------------------------------------------------- target 2: KV v2 read

async function startVault(nodeArgs = []) {
  const port = await freePort();
  const cfg = writeSqliteConfig(port);
  temps.push(cfg.dir);
  const server = await startServer({
    name: 'vault',
    core: SERVER_CORE,
    nodeArgs,
    args: [CLI, 'server', '--config', cfg.file],
  });
  const token = await setUpVault(server.url, READ_PATH);
  return { server, token, db: cfg.db, dir: cfg.dir, url: server.url };
}

async function benchKvRead(R, vault) {
  log('\n## 2. KV v2 read (root token, SQLite) vs bare node:http; latency at c=1');
  const url = `${vault.url}/v1/secret/data/${READ_PATH}`;
  const headers = { 'X-Vault-Token': vault.token };
  await warm(url, 'kv-read', headers);
  const pid = vault.server.child.pid;
  const P = () => withCpu(pid, () => wrk({ url, headers, connections: CONNS, seconds: SECONDS, core: LOAD_CORE }));
  const P1 = () => withCpu(pid, () => wrk({ url, headers, connections: 1, seconds: SECONDS, core: LOAD_CORE }));
  return alternate('kv-read', { ceiling: R, product: P, single: P1 });
}

// ---------------------------------------------------------------- target 3: KV v2 durable write

async function benchKvWrite(vault) {
  log('\n## 3. KV v2 write (synchronous=FULL) vs serial FULL commit floor (c=%d)', CONNS);
  const floorDb = join(vault.dir, 'floor.db');
  const headers = { 'X-Vault-Token': vault.token };
  const W = (prefix) =>
    withCpu(vault.server.child.pid, () => wrk({
      url: vault.url,
      headers,
      connections: CONNS,
      seconds: SECONDS,
      core: LOAD_CORE,
      script: WRITE_LUA,
      scriptArgs: [prefix, String(WRITE_PATHS)],
    }));
  // Warm-up writes also create most of the paths, so rounds measure updates (read metadata,
  // write metadata + new version, prune beyond 10 versions) rather than first writes.
  log(`  warm-up kv-write ${Math.max(5, WARMUP)}s`);
  const warmRun = await wrk({
    url: vault.url,
    headers,
    connections: CONNS,
    seconds: Math.max(5, WARMUP),
    core: LOAD_CORE,
    script: WRITE_LUA,
    scriptArgs: ['bench/w', String(WRITE_PATHS)],
  });
  checkClean('kv-write warm-up', warmRun);
  const F = async () => {
    const r = await runCommand('taskset', ['-c', String(SERVER_CORE), process.execPath, join(HERE, 'commit-floor.mjs'), floorDb, String(SECONDS)], {
      timeoutMs: (SECONDS + 30) * 1000,
      env: {},
    });
    if (r.code !== 0) throw new Error(`commit-floor failed: ${r.stderr}`);
    const f = JSON.parse(r.stdout);
    return { rps: f.perSec, p50: NaN, p99: NaN, non2xx: 0, socketErrors: 0, timeouts: 0 };
  };
  return alternate('kv-write', { ceiling: F, product: () => W('bench/w') }, 'floor');
}

// ---------------------------------------------------------------- the alternating rounds

/**
 * Runs ROUNDS rounds; even rounds run the ceiling first, odd rounds last, so slow drift in the
 * machine's speed hits both sides equally. Ratio per round = product ÷ ceiling of that round.
 */
async function alternate(label, runs, ceilingName = 'R') {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const names = Object.keys(runs);
    const order = i % 2 === 0 ? names : ['product', ...names.filter((n) => n !== 'product' && n !== 'ceiling'), 'ceiling'];
    const round = {};
    for (const name of order) {
      round[name] = await runs[name]();
      if (name !== 'ceiling') checkClean(`${label} ${name}`, round[name]);
    }
    round.ratio = round.product.rps / round.ceiling.rps;
    rounds.push(round);
    let line = `  round ${i + 1}: ${ceilingName} ${fmtRps(round.ceiling.rps)}/s`;
    if (!Number.isNaN(round.ceiling.p50)) line += ` (p50 ${fmtMs(round.ceiling.p50)} p99 ${fmtMs(round.ceiling.p99)})`;
    line += ` · product ${fmtRps(round.product.rps)}/s (p50 ${fmtMs(round.product.p50)} p99 ${fmtMs(round.product.p99)})`;
    if (round.product.cpuUs !== undefined) {
      line += ` · cpu/req ${round.ceiling.cpuUs !== undefined ? `R ${round.ceiling.cpuUs.toFixed(1)}µs, ` : ''}product ${round.product.cpuUs.toFixed(1)}µs (busy ${(round.product.busy * 100).toFixed(0)}%)`;
    }
    if (round.single) line += ` · c=1 ${fmtRps(round.single.rps)}/s (p50 ${fmtMs(round.single.p50)} p99 ${fmtMs(round.single.p99)})`;
    const timeouts = (round.product.timeouts ?? 0) + (round.single?.timeouts ?? 0);
    if (timeouts > 0) line += ` · ${timeouts} requests timed out (> 5 s)`;
    line += ` · ratio ${fmtRatio(round.ratio)}`;
    log(line);
  }
  const med = (f) => median(rounds.map(f));
  const summary = {
    rounds,
    ratio: med((r) => r.ratio),
    ceilingRps: med((r) => r.ceiling.rps),
    productRps: med((r) => r.product.rps),
    productP50: med((r) => r.product.p50),
    productP99: med((r) => r.product.p99),
  };
  if (rounds[0].product.cpuUs !== undefined) summary.productCpuUs = med((r) => r.product.cpuUs);
  if (rounds[0].ceiling.cpuUs !== undefined) {
    summary.ceilingCpuUs = med((r) => r.ceiling.cpuUs);
    // Load-robust companion to the ratio: CPU per request of R ÷ of the product. Neighbours
    // change how much CPU each server gets far more than what a request costs it.
    summary.cpuRatio = med((r) => r.ceiling.cpuUs / r.product.cpuUs);
  }
  if (rounds[0].single) {
    summary.singleRps = med((r) => r.single.rps);
    summary.singleP50 = med((r) => r.single.p50);
    summary.singleP99 = med((r) => r.single.p99);
  }
  log(
    `  median: ratio ${fmtRatio(summary.ratio)} · ${ceilingName} ${fmtRps(summary.ceilingRps)}/s · product ${fmtRps(summary.productRps)}/s` +
      ` p50 ${fmtMs(summary.productP50)} p99 ${fmtMs(summary.productP99)}` +
      (summary.singleP99 !== undefined ? ` · c=1 ${fmtRps(summary.singleRps)}/s p50 ${fmtMs(summary.singleP50)} p99 ${fmtMs(summary.singleP99)}` : ''),
  );
  if (summary.productCpuUs !== undefined) {
    log(
      `  median CPU per request: product ${summary.productCpuUs.toFixed(1)}µs` +
        (summary.cpuRatio !== undefined ? ` · R ${summary.ceilingCpuUs.toFixed(1)}µs · CPU ratio R/product ${fmtRatio(summary.cpuRatio)}` : ''),
    );
  }
  return summary;
}

function printVerdicts(results) {
  log('\n## Verdicts (met = median reaches the goal and ≤ %d of %d rounds fall short)', MAX_SHORT, ROUNDS);
  const verdict = (name, rounds, value, goal, ok, fmt) => {
    const short = rounds.filter((r) => !ok(value(r))).length;
    const med = median(rounds.map(value));
    const met = ok(med) && short <= MAX_SHORT;
    log(`  ${met ? 'PASS' : 'FAIL'}  ${name}: median ${fmt(med)} (goal ${goal}); ${short}/${rounds.length} rounds short`);
    return met;
  };
  const r = results;
  if (r.http) verdict('1. HTTP layer / R', r.http.rounds, (x) => x.ratio, '≥ 0.85', (v) => v >= 0.85, fmtRatio);
  if (r.kvRead) {
    verdict('2a. KV read / R', r.kvRead.rounds, (x) => x.ratio, '≥ 0.30', (v) => v >= 0.3, fmtRatio);
    verdict('2b. KV read p99 at c=1', r.kvRead.rounds, (x) => x.single.p99, '≤ 3 ms', (v) => v <= 3, fmtMs);
  }
  if (r.fastify) log(`  info  (context) plain Fastify / R: median ${fmtRatio(r.fastify.ratio)}`);
  for (const [name, x] of [['1. HTTP layer', r.http], ['2a. KV read', r.kvRead]]) {
    if (x?.cpuRatio !== undefined) log(`  info  ${name}: CPU per request R ÷ product, median ${fmtRatio(x.cpuRatio)} (load-robust context)`);
  }
  if (r.kvWrite) verdict('3. KV write / FULL commit floor', r.kvWrite.rounds, (x) => x.ratio, '≥ 2.0', (v) => v >= 2, fmtRatio);
}

// ---------------------------------------------------------------- profiling

async function profileAll(dir) {
  mkdirSync(dir, { recursive: true });
  const seconds = Math.max(10, SECONDS * 2);
  const prof = (name) => ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`];
  const summaries = {};
  const run = async (name, start, load) => {
    rmSync(join(dir, name), { recursive: true, force: true });
    const target = await start(prof(name));
    let requests;
    try {
      const r = await load(target);
      requests = r.requests;
      log(`\n## profile ${name}: ${fmtRps(r.rps)}/s p50 ${fmtMs(r.p50)} p99 ${fmtMs(r.p99)} over ${seconds}s`);
    } finally {
      await stop(target.child ?? target.server.child);
    }
    const files = readdirSync(join(dir, name)).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) throw new Error(`${name}: no .cpuprofile written`);
    const file = join(dir, name, files[0]);
    summaries[name] = summariseProfile(file);
    log(`  ${file} (${requests} requests under load)`);
    log(formatSummary(summaries[name], 25, requests));
  };
  if (only.has('ceiling')) {
    await run(
      'ceiling',
      (nodeArgs) => startNode('ceiling', [join(HERE, 'servers/ceiling.mjs')], nodeArgs),
      (t) => wrk({ url: `${t.url}/v1/bench/trivial`, connections: CONNS, seconds, core: LOAD_CORE }),
    );
  }
  if (only.has('http')) {
    await run(
      'http',
      (nodeArgs) => startNode('http-trivial', [join(HERE, 'servers/http-trivial.mjs')], nodeArgs),
      (t) => wrk({ url: `${t.url}/v1/bench/trivial`, connections: CONNS, seconds, core: LOAD_CORE }),
    );
  }
  if (only.has('kv-read')) {
    await run('kv-read', startVault, (v) =>
      wrk({ url: `${v.url}/v1/secret/data/${READ_PATH}`, headers: { 'X-Vault-Token': v.token }, connections: CONNS, seconds, core: LOAD_CORE }),
    );
  }
  if (only.has('kv-write')) {
    await run('kv-write', startVault, (v) =>
      wrk({
        url: v.url,
        headers: { 'X-Vault-Token': v.token },
        connections: CONNS,
        seconds,
        core: LOAD_CORE,
        script: WRITE_LUA,
        scriptArgs: ['bench/w', String(WRITE_PATHS)],
      }),
    );
  }
  if (opt.json) writeFileSync(opt.json, JSON.stringify(summaries, null, 2));
}

// ---------------------------------------------------------------- helpers

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux unless rebuilt). */
const USER_HZ = 100;

/** user + system CPU time of a process and all its threads, in µs. */
function cpuTimeUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ; // utime, stime
}

/**
 * Runs `load` and adds the server's CPU µs per request (`cpuUs`) and busy share (`busy`).
 * `startServer` runs `taskset -c N node …` and taskset execs node, so the pid is node's.
 */
async function withCpu(pid, load) {
  const before = cpuTimeUs(pid);
  const t0 = process.hrtime.bigint();
  const r = await load();
  const used = cpuTimeUs(pid) - before;
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  return { ...r, cpuUs: used / Math.max(1, r.requests), busy: used / wall };
}

async function startNode(name, args, nodeArgs = []) {
  const port = await freePort();
  return startServer({ name, core: SERVER_CORE, nodeArgs, args: [...args, `127.0.0.1:${port}`] });
}

/** BENCHMARKING.md: warm up ≥ 10 s after each server start (JIT, pools, caches). */
async function warm(url, name, headers = {}) {
  if (WARMUP <= 0) return;
  log(`  warm-up ${name} ${WARMUP}s`);
  const r = await wrk({ url, headers, connections: CONNS, seconds: WARMUP, core: LOAD_CORE });
  checkClean(`${name} warm-up`, r);
}

/** A benchmark that answers errors fast would look good; refuse its figures. */
function checkClean(what, r) {
  if (r.non2xx > 0 || r.socketErrors > 0) {
    throw new Error(`${what}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors — figures invalid`);
  }
  if (r.timeouts > 0) log(`  note: ${what}: ${r.timeouts} requests got no answer within 5 s`);
}

function dbSize(db) {
  let total = 0;
  for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) total += statSync(f).size;
  return total;
}

try {
  await main();
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  await stopAll();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
  clearTimeout(deadline);
}
