#!/usr/bin/env node
// Audit overhead (issue 4, BENCHMARKING.md procedure): KV v2 reads with one file audit device,
// as a ratio to the same reads with no device, in the same rounds. Target ≥ 0.90. The ceiling R
// (bare node:http) is measured in the same rounds too, for context.
//
// Usage: node bench/audit-kv.mjs [--rounds 5] [--seconds 5] [--warmup 10] [--connections 64]
//        [--fsync true|false] [--profile DIR]
// --profile DIR: instead of rounds, run no-audit and file-audit once each under `node --cpu-prof`
// (warm-up, then 10 s of load) and print a self-time summary of each (profile-summary.mjs).
//
// Until server.ts enables devices from `[[audit]]` config, this script is also its own product
// server (`--serve`): a vault from createVault (SQLite file storage, dev mode), the audit broker
// unsealed on an in-memory view, one file device enabled, behind the real HTTP layer.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, startServer, stop, stopAll } from './lib/process.mjs';
import { wrk } from './lib/wrk.mjs';
import { fmtMs, fmtRatio, fmtRps, median } from './lib/stats.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(HERE, '../packages/server/src');
const TOKEN = 'bench-root-token';
const READ_PATH = 'bench/read';

const { values: opt } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    port: { type: 'string' },
    audit: { type: 'string' },
    fsync: { type: 'string', default: 'true' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    profile: { type: 'string' },
  },
});

if (opt.serve) await serve();
else if (opt.profile) await profile(resolve(opt.profile));
else await drive();

async function serve() {
  const load = (p) => import(pathToFileURL(join(SRC, p)).href);
  const { parseServerConfig } = await load('config/server-config.ts');
  const { createVault } = await load('server.ts');
  const { createHttpServer } = await load('http/create-http-server.ts');
  const { createLogger } = await load('logger.ts');
  const { MapStore } = await load('framework/engine-harness.ts');
  const { PrefixView } = await load('storage/storage-view.ts');
  const dir = mkdtempSync(join(tmpdir(), 'secretum-audit-bench-'));
  const listener = { address: `127.0.0.1:${opt.port}`, tls_disable: true };
  const config = parseServerConfig({ log_level: 'error', storage: { type: 'sqlite', path: join(dir, 'vault.db') }, listener });
  const log = createLogger('info');
  const vault = await createVault({ config, dev: { rootTokenId: TOKEN } }, createLogger('error'));
  if (opt.audit) {
    await vault.audit.unseal(new PrefixView(new MapStore(), ''));
    await vault.audit.enable('file', { type: 'file', options: { file_path: opt.audit, fsync: opt.fsync } });
  }
  const body = { data: { username: 'bench', password: 'x'.repeat(64), url: 'postgres://db.example:5432/app' } };
  const res = await vault.pipeline.handle({
    id: 'seed', operation: 'update', rawPath: `secret/data/${READ_PATH}`, query: {}, body, token: TOKEN,
    remoteAddress: '127.0.0.1', headers: {}, help: false,
  });
  if (res.status !== 200) throw new Error(`seeding failed: ${res.status}`);
  const http = await createHttpServer({ pipeline: vault.pipeline, listener, log });
  log.info('listening', { address: http.url });
  const shutdown = async () => {
    await http.close();
    await vault.audit.close();
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function profile(root) {
  const { summariseProfile, formatSummary } = await import('./profile-summary.mjs');
  const { mkdirSync, readdirSync } = await import('node:fs');
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'secretum-audit-log-'));
  process.on('SIGINT', async () => (await stopAll(), process.exit(130)));
  try {
    for (const name of ['no-audit', 'file-audit']) {
      const pdir = join(root, name);
      rmSync(pdir, { recursive: true, force: true });
      mkdirSync(pdir, { recursive: true });
      const port = await freePort();
      const args = [self, '--serve', '--port', String(port), '--fsync', opt.fsync, ...(name === 'file-audit' ? ['--audit', join(dir, 'audit.log')] : [])];
      const s = await startServer({ name, core: 0, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${pdir}`, '--import', 'tsx'], args, timeoutMs: 60_000 });
      let w;
      try {
        const url = `${s.url}/v1/secret/data/${READ_PATH}`;
        const headers = { 'X-Vault-Token': TOKEN };
        await wrk({ url, core: 1, connections: Number(opt.connections), seconds: 3, headers });
        w = await wrk({ url, core: 1, connections: Number(opt.connections), seconds: 10, headers });
        if (w.non2xx || w.socketErrors) throw new Error(`${name}: ${w.non2xx} non-2xx, ${w.socketErrors} socket errors`);
      } finally {
        await stop(s.child);
      }
      const file = readdirSync(pdir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`${name}: no .cpuprofile written`);
      console.log(`\n## profile ${name}: ${fmtRps(w.rps)} req/s p50 ${fmtMs(w.p50)} p99 ${fmtMs(w.p99)} (${w.requests} requests in 10 s, plus 3 s of warm-up in the profile)`);
      console.log(formatSummary(summariseProfile(join(pdir, file)), 25, w.requests));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function drive() {
  const rounds = Number(opt.rounds);
  const seconds = Number(opt.seconds);
  const warmup = Number(opt.warmup);
  const connections = Number(opt.connections);
  const dir = mkdtempSync(join(tmpdir(), 'secretum-audit-log-'));
  const self = fileURLToPath(import.meta.url);
  const products = [
    { name: 'ceiling', args: [join(HERE, 'servers/ceiling.mjs')], addr: true, nodeArgs: [] },
    { name: 'no-audit', args: [self, '--serve'], nodeArgs: ['--import', 'tsx'] },
    { name: 'file-audit', args: [self, '--serve', '--fsync', opt.fsync], nodeArgs: ['--import', 'tsx'], audit: true },
  ];
  const results = { ceiling: [], 'no-audit': [], 'file-audit': [] };
  const abort = async () => {
    await stopAll();
    process.exit(130);
  };
  process.on('SIGINT', abort);
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate the order each round so drift in the machine does not favour one side.
      const order = r % 2 === 0 ? products : [products[0], products[2], products[1]];
      for (const p of order) {
        const port = await freePort();
        const logFile = join(dir, `audit-${r}.log`);
        const args = p.addr ? [...p.args, `127.0.0.1:${port}`] : [...p.args, '--port', String(port), ...(p.audit ? ['--audit', logFile] : [])];
        const s = await startServer({ name: p.name, core: 0, nodeArgs: p.nodeArgs, args, timeoutMs: 60_000 });
        try {
          const url = p.addr ? s.url : `${s.url}/v1/secret/data/${READ_PATH}`;
          const headers = p.addr ? {} : { 'X-Vault-Token': TOKEN };
          await wrk({ url, core: 1, connections, seconds: warmup, headers });
          const w = await wrk({ url, core: 1, connections, seconds, headers });
          if (w.non2xx || w.socketErrors) throw new Error(`${p.name}: ${w.non2xx} non-2xx, ${w.socketErrors} socket errors`);
          results[p.name].push(w);
          const extra = p.audit ? `  audit log ${(statSync(logFile).size / 1e6).toFixed(1)} MB` : '';
          console.log(`round ${r + 1} ${p.name.padEnd(10)} ${fmtRps(w.rps).padStart(7)} req/s  p50 ${fmtMs(w.p50)}  p99 ${fmtMs(w.p99)}${extra}`);
        } finally {
          await stop(s.child);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ratios = results['file-audit'].map((w, i) => w.rps / results['no-audit'][i].rps);
  const vsCeiling = results['file-audit'].map((w, i) => w.rps / results.ceiling[i].rps);
  const med = median(ratios);
  const below = ratios.filter((x) => x < 0.9).length;
  console.log(`\nKV v2 read, one file audit device (fsync=${opt.fsync}) ÷ no device, per round: ${ratios.map(fmtRatio).join(' ')}`);
  console.log(`median ${fmtRatio(med)} (target ≥ 0.90; ${below} of ${rounds} rounds below) — ${med >= 0.9 && below <= 2 ? 'MET' : 'NOT MET'}`);
  console.log(`file-audit ÷ R (ceiling), median ${fmtRatio(median(vsCeiling))}`);
}
