#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function, self time by
// area (our source file, npm package, Node internals, GC, idle), and inclusive time by function.
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP [FUNCTION…]] [--requests=N]
// With FUNCTION names, also prints the inclusive time of each callee below those frames.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where a frame's code lives: `server:http/write-response.ts`, `fastify`, `node:_http_server`… */
export function areaOf(url, functionName) {
  if (!url) {
    // (garbage collector), (idle), (program), (root), or a native builtin.
    return functionName.startsWith('(') ? functionName : `native`;
  }
  let m = /packages\/(server|cli|sdk)\/dist\/(.+)\.js$/.exec(url);
  if (m) return `${m[1]}:${m[2]}.ts`;
  // Sources loaded through tsx (bench/audit-kv.mjs, bench/cedar-authz.mjs) count as ours too.
  m = /packages\/(server|cli|sdk)\/src\/(.+\.ts)$/.exec(url);
  if (m) return `${m[1]}:${m[2]}`;
  m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m) return m[1];
  m = /\/bench\/(.+)$/.exec(url);
  if (m) return `bench:${m[1]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Self time per node from samples × timeDeltas (µs); more exact than hitCount × interval.
  const self = new Map();
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const keyOf = (n) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const area = areaOf(url, functionName);
    return `${functionName || '(anonymous)'} ${area}${url ? `:${lineNumber + 1}` : ''}`;
  };

  const selfByFn = new Map();
  const selfByArea = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const k = keyOf(n);
    selfByFn.set(k, (selfByFn.get(k) ?? 0) + us);
    const a = areaOf(n.callFrame.url, n.callFrame.functionName);
    selfByArea.set(a, (selfByArea.get(a) ?? 0) + us);
  }

  // Inclusive time: a node's self time plus its descendants'; per function, count a subtree
  // only at its outermost occurrence so recursion is not double counted.
  const inclusive = new Map();
  const subtree = (id) => {
    const n = byId.get(id);
    let t = self.get(id) ?? 0;
    for (const c of n.children ?? []) t += subtree(c);
    inclusive.set(id, t);
    return t;
  };
  const root = prof.nodes[0].id;
  subtree(root);
  const inclByFn = new Map();
  for (const n of prof.nodes) {
    const k = keyOf(n);
    let p = parent.get(n.id);
    let nested = false;
    while (p !== undefined) {
      if (keyOf(byId.get(p)) === k) {
        nested = true;
        break;
      }
      p = parent.get(p);
    }
    if (!nested) inclByFn.set(k, (inclByFn.get(k) ?? 0) + inclusive.get(n.id));
  }
  /** Inclusive time of each callee (by function) below every frame named `fnName`. */
  const under = (fnName) => {
    const out = new Map();
    for (const n of prof.nodes) {
      if (n.callFrame.functionName !== fnName) continue;
      for (const c of n.children ?? []) {
        const k = keyOf(byId.get(c));
        out.set(k, (out.get(k) ?? 0) + inclusive.get(c));
      }
      const k = '(self)';
      out.set(k, (out.get(k) ?? 0) + (self.get(n.id) ?? 0));
    }
    return sorted(out);
  };
  const idle = selfByArea.get('(idle)') ?? 0;
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / total }));
  return { under, file, totalMs: total / 1000, busyPct: (100 * (total - idle)) / total, self: sorted(selfByFn), areas: sorted(selfByArea), inclusive: sorted(inclByFn) };
}

/** With `requests` (served while profiling), each row also shows µs per request. */
export function formatSummary(s, top = 25, requests) {
  const per = (r) => (requests ? `  ${((r.ms * 1000) / requests).toFixed(1).padStart(6)} µs/req` : '');
  const row = (r) => `    ${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms${per(r)}  ${r.name}`;
  const skip = (r) => !/^\((root|program|idle)\)/.test(r.name);
  return [
    `  total ${s.totalMs.toFixed(0)} ms sampled, busy ${s.busyPct.toFixed(1)}%`,
    '  self time by area:',
    ...s.areas.slice(0, 18).map(row),
    '  self time by function:',
    ...s.self.slice(0, top).map(row),
    '  inclusive time by function (our code):',
    ...s.inclusive.filter((r) => skip(r) && /\b(server|cli):/.test(r.name)).slice(0, top).map(row),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const reqArg = args.find((a) => a.startsWith('--requests='));
  const requests = reqArg ? Number(reqArg.slice('--requests='.length)) : undefined;
  const [file, top, ...underFns] = args.filter((a) => a !== reqArg);
  if (!file) {
    console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP [FUNCTION…]]');
    process.exit(1);
  }
  const s = summariseProfile(file);
  console.log(formatSummary(s, Number(top ?? 25), requests));
  for (const fn of underFns) {
    console.log(`  callees of ${fn} (inclusive):`);
    for (const r of s.under(fn).slice(0, Number(top ?? 25))) {
      const per = requests ? `  ${((r.ms * 1000) / requests).toFixed(1).padStart(6)} µs/req` : '';
      console.log(`    ${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms${per}  ${r.name}`);
    }
  }
}
