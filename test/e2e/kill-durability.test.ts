import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqliteConfig, startServerProcess } from './server-process.js';

async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${url}/v1/${path}`, {
    method,
    headers: { ...(token && { 'X-Vault-Token': token }), 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : undefined };
}

describe('durability: a write acknowledged to the client survives kill -9', () => {
  it('finds every acknowledged version after a SIGKILL mid-load and a restart', async () => {
    const { config } = sqliteConfig();
    let server = await startServerProcess(['--config', config]);
    const init = await call(server.url, 'PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 });
    const token = init.json.root_token as string;
    const key = init.json.keys[0] as string;
    await call(server.url, 'PUT', 'sys/unseal', undefined, { key });
    assert.equal((await call(server.url, 'POST', 'sys/mounts/kv', token, { type: 'kv', options: { version: '2' } })).status, 204);

    // Eight writers, each on its own secret, record what the server acknowledged.
    const acked = new Map<string, number>();
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 1; !stop; i++) {
        try {
          const res = await call(server.url, 'POST', `kv/data/w${w}`, token, { data: { n: String(i) } });
          if (res.status !== 200) break;
          acked.set(`w${w}`, res.json.data.version as number);
        } catch {
          break; // the connection died with the process
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500));
    await server.kill();
    stop = true;
    await Promise.all(writers);
    const total = [...acked.values()].reduce((a, b) => a + b, 0);
    assert.ok(total > 20, `expected a real load before the kill, got ${total} acknowledged writes`);

    server = await startServerProcess(['--config', config]);
    try {
      await call(server.url, 'PUT', 'sys/unseal', undefined, { key });
      for (const [path, version] of acked) {
        const meta = await call(server.url, 'GET', `kv/metadata/${path}`, token);
        assert.equal(meta.status, 200);
        assert.ok(meta.json.data.current_version >= version, `${path}: acknowledged v${version}, found v${meta.json.data.current_version}`);
        // every acknowledged version still kept (max_versions keeps the last 10) holds what was written
        const oldestKept = Math.max(1, (meta.json.data.current_version as number) - 9);
        for (let v = oldestKept; v <= version; v++) {
          const read = await call(server.url, 'GET', `kv/data/${path}?version=${v}`, token);
          assert.equal(read.status, 200);
          assert.equal(read.json.data.data.n, String(v));
        }
      }
    } finally {
      await server.stop();
    }
  });
});
