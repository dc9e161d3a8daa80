import { runCommand } from './process.mjs';

/**
 * One wrk run pinned to `core` (BENCHMARKING.md: the load generator on the other core than the
 * server). Returns { rps, p50, p99, requests, non2xx, socketErrors } with latencies in ms.
 */
export async function wrk({ url, core = 1, connections = 64, seconds = 5, script, scriptArgs = [], headers = {} }) {
  const args = ['-c', String(core), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (script) args.push('-s', script);
  args.push(url);
  if (scriptArgs.length) args.push('--', ...scriptArgs);
  const r = await runCommand('taskset', args, { timeoutMs: (seconds + 20) * 1000 });
  if (r.code !== 0) throw new Error(`wrk failed (${r.code ?? r.signal}): ${r.stderr || r.stdout}`);
  return parseWrk(r.stdout);
}

const UNIT_MS = { us: 1e-3, ms: 1, s: 1000, m: 60_000 };

function toMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: cannot parse latency \`${text}\``);
  return Number(m[1]) * UNIT_MS[m[2]];
}

export function parseWrk(out) {
  const num = (re) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : undefined;
  };
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out);
    if (!m) throw new Error(`wrk: no ${p}% line in output:\n${out}`);
    return toMs(m[1]);
  };
  const rps = num(/Requests\/sec:\s+([\d.]+)/);
  if (rps === undefined) throw new Error(`wrk: no Requests/sec in output:\n${out}`);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps,
    p50: pct(50),
    p99: pct(99),
    requests: num(/(\d+) requests in/),
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    // connect/read/write errors; timeouts (no answer within --timeout 5s) are counted apart:
    // they are a latency result, not a broken run.
    socketErrors: sock ? sock.slice(1, 4).reduce((a, b) => a + Number(b), 0) : 0,
    timeouts: sock ? Number(sock[4]) : 0,
  };
}
