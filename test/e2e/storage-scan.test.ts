import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sqliteConfig, startServerProcess } from './server-process.js';

async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${url}/v1/${path}`, {
    method,
    headers: { ...(token && { 'X-Vault-Token': token }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : undefined };
}

describe('a storage dump reveals nothing', () => {
  it('finds no secret value, token, accessor or key in the raw SQLite files', async () => {
    const { config, db } = sqliteConfig();
    const server = await startServerProcess(['--config', config]);
    const canaries: string[] = [];
    const keyShares: string[] = [];
    try {
      const init = await call(server.url, 'PUT', 'sys/init', undefined, { secret_shares: 3, secret_threshold: 2 });
      const root = init.json.root_token as string;
      canaries.push(root, ...(init.json.keys as string[]), ...(init.json.keys_base64 as string[]));
      keyShares.push(...(init.json.keys as string[]));
      for (const k of (init.json.keys as string[]).slice(0, 2)) await call(server.url, 'PUT', 'sys/unseal', undefined, { key: k });
      await call(server.url, 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } });
      await call(server.url, 'POST', 'sys/mounts/kv1', root, { type: 'kv' });
      for (let i = 0; i < 20; i++) {
        const value = `canary-value-${i}-${Math.random().toString(36).slice(2)}`;
        canaries.push(value);
        await call(server.url, 'POST', `secret/data/app/s${i}`, root, { data: { password: value } });
        await call(server.url, 'POST', `kv1/app/s${i}`, root, { password: value });
      }
      const created = await call(server.url, 'POST', 'auth/token/create', root, { policies: ['dev'], meta: { owner: 'canary-meta-owner' } });
      canaries.push(created.json.auth.client_token, created.json.auth.accessor, 'canary-meta-owner');
      const cubby = `canary-cubby-${Math.random()}`;
      canaries.push(cubby);
      await call(server.url, 'POST', 'cubbyhole/x', root, { v: cubby });
      await call(server.url, 'PUT', 'sys/rotate', root);
      await call(server.url, 'POST', 'secret/data/after-rotate', root, { data: { v: 'canary-after-rotate' } });
      canaries.push('canary-after-rotate');
    } finally {
      await server.stop();
    }
    const files = [db, `${db}-wal`, `${db}-shm`].filter(existsSync);
    const dump = Buffer.concat(files.map((f) => readFileSync(f)));
    assert.ok(dump.length > 0);
    for (const canary of canaries) {
      assert.equal(dump.includes(Buffer.from(canary)), false, `found ${canary.slice(0, 12)}… in the raw database`);
    }
    for (const share of keyShares) {
      assert.equal(dump.includes(Buffer.from(share, 'hex')), false, 'found a raw key share in the database');
    }
  });
});
