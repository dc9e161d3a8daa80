#!/usr/bin/env node
// Authorization overhead (issue 3, BENCHMARKING.md procedure): KV v2 reads with a non-root token
// under 10, 100 and 1,000 Cedar policies, as a ratio to the same reads with the root token on the
// same server in the same round (targets ≥ 0.90 at 100, ≥ 0.80 at 1,000), and the p99 of the
// first second after the server reports ready (target ≤ 10 ms).
//
// Usage: npm run build && node bench/authz-kv.mjs [--rounds 5] [--seconds 5] [--warmup 10]
//        [--connections 64] [--policies 10,100,1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, startServer, stop, stopAll } from './lib/process.mjs';
import { wrk } from './lib/wrk.mjs';
import { fmtMs, fmtRatio, fmtRps, median } from './lib/stats.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(HERE, '../packages/server/dist');
const ROOT = 'bench-root-token';
const READ_PATH = 'bench/app/db';

const { values: opt } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    port: { type: 'string' },
    count: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    policies: { type: 'string', default: '10,100,1000' },
  },
});

if (opt.serve) await serve();
else await drive();

/** `count` policies in documents of ten: permits and forbids over many paths and roles. */
function policyDocuments(count) {
  const docs = [];
  for (let d = 0; d * 10 < count; d++) {
    const lines = [];
    for (let i = d * 10; i < Math.min(count, d * 10 + 10); i++) {
      const team = `team-${i % 97}`;
      lines.push(
        i % 4 === 3
          ? `forbid(principal in Role::"${team}", action == Action::"delete", resource in Secret::"secret/app-${i}/prod");`
          : `permit(principal in Role::"${team}", action == Action::"${i % 2 ? 'read' : 'list'}", resource in Secret::"secret/app-${i}");`,
      );
    }
    docs.push(lines.join('\n'));
  }
  // The policy the benchmarked token actually needs, plus a forbid that must be checked too.
  docs.push(`permit(principal in Role::"bench", action == Action::"read", resource in Secret::"secret/bench");
forbid(principal in Role::"bench", action == Action::"read", resource in Secret::"secret/bench/prod");`);
  return docs;
}

async function serve() {
  const load = (p) => import(pathToFileURL(join(DIST, p)).href);
  const { parseServerConfig } = await load('config/server-config.js');
  const { createVault } = await load('server.js');
  const { createHttpServer } = await load('http/create-http-server.js');
  const { createLogger } = await load('logger.js');
  const dir = mkdtempSync(join(tmpdir(), 'secretum-authz-bench-'));
  const listener = { address: `127.0.0.1:${opt.port}`, tls_disable: true, max_request_size: 33554432 };
  const config = parseServerConfig({ log_level: 'error', storage: { type: 'sqlite', path: join(dir, 'vault.db') }, listener });
  const vault = await createVault({ config, dev: { rootTokenId: ROOT } }, createLogger('error'));
  const call = async (operation, rawPath, body = {}) => {
    const res = await vault.pipeline.handle({
      id: 'setup', operation, rawPath, query: {}, body, token: ROOT, remoteAddress: '127.0.0.1', headers: {}, help: false,
    });
    if (res.status >= 300) throw new Error(`${rawPath}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const docs = policyDocuments(Number(opt.count));
  for (const [i, policy] of docs.entries()) await call('update', `sys/policies/cedar/bench-${i}`, { policy });
  await call('update', `secret/data/${READ_PATH}`, { data: { username: 'bench', password: 'x'.repeat(64) } });
  const created = await call('update', 'auth/token/create', { policies: ['bench', 'team-1', 'team-2'], ttl: '24h' });
  const http = await createHttpServer({ pipeline: vault.pipeline, listener });
  // The token goes to the driver in the listening line (a benchmark's throwaway token).
  console.error(JSON.stringify({ msg: 'listening', address: http.url, token: created.auth.client_token }));
  const shutdown = async () => {
    await http.close();
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function drive() {
  const rounds = Number(opt.rounds);
  const seconds = Number(opt.seconds);
  const warmup = Number(opt.warmup);
  const connections = Number(opt.connections);
  const counts = opt.policies.split(',').map(Number);
  process.on('SIGINT', async () => (await stopAll(), process.exit(130)));
  const self = fileURLToPath(import.meta.url);
  for (const count of counts) {
    const ratios = [];
    const firstSecondP99 = [];
    for (let r = 0; r < rounds; r++) {
      const port = await freePort();
      const s = await startServer({ name: `authz-${count}`, core: 0, args: [self, '--serve', '--port', String(port), '--count', String(count)], timeoutMs: 120_000 });
      try {
        const token = JSON.parse(s.stderr().split('\n').find((l) => l.includes('"listening"'))).token;
        const url = `${s.url}/v1/secret/data/${READ_PATH}`;
        // The first second after ready, with no warm-up: Cedar's WASM module must already be warm.
        const first = await wrk({ url, core: 1, connections: 1, seconds: 1, headers: { 'X-Vault-Token': token } });
        firstSecondP99.push(first.p99);
        await wrk({ url, core: 1, connections, seconds: warmup, headers: { 'X-Vault-Token': token } });
        const order = r % 2 === 0 ? [['root', ROOT], ['token', token]] : [['token', token], ['root', ROOT]];
        const got = {};
        for (const [name, t] of order) {
          const w = await wrk({ url, core: 1, connections, seconds, headers: { 'X-Vault-Token': t } });
          if (w.non2xx || w.socketErrors) throw new Error(`${name}: ${w.non2xx} non-2xx, ${w.socketErrors} socket errors`);
          got[name] = w;
        }
        ratios.push(got.token.rps / got.root.rps);
        console.log(
          `policies ${String(count).padStart(5)} round ${r + 1}: root ${fmtRps(got.root.rps)} req/s p99 ${fmtMs(got.root.p99)}; ` +
            `token ${fmtRps(got.token.rps)} req/s p99 ${fmtMs(got.token.p99)}; ratio ${fmtRatio(ratios.at(-1))}; first-second p99 ${fmtMs(first.p99)}`,
        );
      } finally {
        await stop(s.child);
      }
    }
    const target = count >= 1000 ? 0.8 : count >= 100 ? 0.9 : undefined;
    const below = target === undefined ? 0 : ratios.filter((x) => x < target).length;
    console.log(
      `=> ${count} policies: non-root ÷ root median ${fmtRatio(median(ratios))}` +
        (target ? ` (target ≥ ${target}; ${below} of ${rounds} below — ${median(ratios) >= target && below <= 2 ? 'MET' : 'NOT MET'})` : '') +
        `; first-second p99 median ${fmtMs(median(firstSecondP99))} (target ≤ 10 ms)\n`,
    );
  }
}
