#!/usr/bin/env node
// Cedar authorization micro-benchmark (issue 3; BENCHMARKING.md, "Design consequences" 1).
// In-process: calls CedarAuthorizer.authorize() with non-root tokens under 10, 100 and 1,000
// generated policies (permit/forbid mixes over many paths, some with context conditions) and
// reports calls/s as a ratio to the root short-circuit measured in the same round.
//   hot   — a working set of 2,000 (token, action, path) requests, cycled: the decision cache hits
//   cold  — invalidate() before every call: slicing + a Cedar call every time (worst case)
//   naive — the whole policy set preparsed once, Cedar asked every time with all policies
//           (what "the obvious" integration costs; for comparison only)
// Usage: node --import tsx bench/cedar-authz.mjs [--rounds 5] [--ms 1000] [--sizes 10,100,1000]
import { parseArgs } from 'node:util';
import { CedarAuthorizer } from '../packages/server/src/authz/cedar-authorizer.ts';
import { InmemBackend } from '../packages/server/src/storage/inmem-backend.ts';
import { PrefixView } from '../packages/server/src/storage/storage-view.ts';
import { cedar } from '../packages/server/src/authz/cedar-wasm.ts';
import { encodeContext, CONTEXT_FIELDS } from '../packages/server/src/authz/cedar-schema.ts';

const { values: opts } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, ms: { type: 'string', default: '1000' }, sizes: { type: 'string', default: '10,100,1000' }, modes: { type: 'string', default: 'root,hot,cold,naive' } },
});
const ROUNDS = Number(opts.rounds);
const MS = Number(opts.ms);
const SIZES = opts.sizes.split(',').map(Number);
const MODES = new Set(opts.modes.split(','));
const ROLES = 20;
const TEAMS = 50;
const ACTIONS = ['read', 'list', 'create', 'update', 'delete'];

/** N policies: 70% role permits on a team subtree, 20% forbids on a sub-folder, 10% conditional. */
function generate(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const role = `r${i % ROLES}`;
    const team = `team${i % TEAMS}`;
    const kind = i % 10;
    if (kind < 7) {
      out.push(`permit(principal in Role::"${role}", action in [Action::"read", Action::"list"], resource in Secret::"secret/${team}/app${i}");`);
    } else if (kind < 9) {
      out.push(`forbid(principal in Role::"${role}", action, resource in Secret::"secret/${team}/app${i - 1}/prod");`);
    } else {
      out.push(`permit(principal in Role::"${role}", action == Action::"update", resource in Secret::"secret/${team}") when { context.ttl <= duration("1h") && context.metadata.contains("env=ci") };`);
    }
  }
  return out;
}

const mount = { path: 'secret/', type: 'kv', uuid: 'u', accessor: 'a', description: '', config: { default_lease_ttl: 3600, max_lease_ttl: 0 }, options: {}, local: false, seal_wrap: false, kind: 'secrets' };
const auth = (i, root = false) => ({
  clientToken: 't', accessor: `acc${i}`, tokenHash: `h${i}`, policies: root ? ['root'] : ['default', `r${i % ROLES}`, `r${(i * 7) % ROLES}`],
  displayName: 't', entityId: '', metadata: { env: i % 2 ? 'ci' : 'dev' }, principal: { type: 'Token', id: `acc${i}` }, isRoot: root, expireTime: 0,
});
/** The working set: requests spread over tokens, actions and paths (hits, misses, forbids). */
function workload(n, root = false) {
  const reqs = [];
  for (let i = 0; i < 2000; i++) {
    const p = (i * 7919) % Math.max(n, 1);
    const team = `team${p % TEAMS}`;
    const path = i % 5 === 0 ? `secret/${team}/app${p}/prod/db` : i % 5 === 1 ? `secret/${team}/other${i}` : `secret/${team}/app${p}/key${i % 13}`;
    reqs.push({ auth: auth(i % 100, root), action: ACTIONS[i % ACTIONS.length], resource: path, operation: 'read', mount, relativePath: path.slice(7), remoteAddress: '10.0.0.1' });
  }
  return reqs;
}

async function measure(fn, reqs) {
  let calls = 0;
  const end = performance.now() + MS;
  while (performance.now() < end) {
    for (let k = 0; k < 200; k++) await fn(reqs[(calls + k) % reqs.length]);
    calls += 200;
  }
  return (calls / MS) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 1000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0));

console.log(`cedar-authz: ${ROUNDS} rounds × ${MS} ms per mode; node ${process.version}`);
for (const n of SIZES) {
  const authz = new CedarAuthorizer();
  authz.warm();
  const view = new PrefixView(new InmemBackend(), 'p/');
  const policies = generate(n);
  const t0 = performance.now();
  for (let d = 0; d * 10 < policies.length; d++) await authz.policies.write(view, `gen${d}`, policies.slice(d * 10, d * 10 + 10).join('\n'));
  const loadMs = performance.now() - t0;
  // naive: the whole set (plus default) preparsed once; every call marshals all of it
  const all = {};
  policies.forEach((p, i) => (all[`p${i}`] = p));
  cedar.preparsePolicySet('naive', { staticPolicies: all });
  const naive = (r) => {
    const ctx = encodeContext({ ttl: 3600, hasTtl: false, remoteAddress: r.remoteAddress, time: Date.now(), mfa: false, metadata: ['env=ci'] }, new Set(CONTEXT_FIELDS));
    return cedar.statefulIsAuthorized({
      principal: r.auth.principal, action: { type: 'Action', id: r.action }, resource: { type: 'Secret', id: r.resource }, context: ctx,
      preparsedPolicySetId: 'naive',
      entities: [
        { uid: r.auth.principal, attrs: {}, parents: r.auth.policies.map((id) => ({ type: 'Role', id })) },
        { uid: { type: 'Secret', id: r.resource }, attrs: {}, parents: [] },
      ],
    });
  };
  const reqs = workload(n);
  const rootReqs = workload(n, true);
  const modes = Object.fromEntries(
    Object.entries({
      root: [(r) => authz.authorize(r), rootReqs],
      hot: [(r) => authz.authorize(r), reqs],
      cold: [(r) => (authz.invalidate(), authz.authorize(r)), reqs],
      naive: [naive, reqs],
    }).filter(([k]) => k === 'root' || MODES.has(k)),
  );
  for (const [fn, rs] of Object.values(modes)) for (const r of rs.slice(0, 2000)) await fn(r); // warm caches and JIT
  const results = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, [fn, rs]] of Object.entries(modes)) results[name].push(await measure(fn, rs));
  }
  const allowed = (await Promise.all(reqs.map((r) => authz.authorize(r)))).filter((d) => d.allowed).length;
  const ratios = (name) => results[name].map((x, i) => x / results.root[i]);
  console.log(`\n${n} policies (loaded in ${loadMs.toFixed(0)} ms; ${allowed}/${reqs.length} requests allowed)`);
  for (const name of Object.keys(modes)) {
    const r = ratios(name);
    console.log(`  ${name.padEnd(5)} ${fmt(median(results[name])).padStart(7)} calls/s   ratio to root ${median(r).toFixed(3)}  (rounds ${r.map((x) => x.toFixed(2)).join(' ')})`);
  }
}
