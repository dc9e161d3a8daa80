import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server.toml on a fresh temp dir: SQLite storage, plain HTTP on loopback. */
export function writeSqliteConfig(port) {
  const dir = mkdtempSync(join(tmpdir(), 'secretum-bench-'));
  const db = join(dir, 'vault.db');
  const file = join(dir, 'server.toml');
  writeFileSync(
    file,
    [
      '[storage]',
      'type = "sqlite"',
      `path = ${JSON.stringify(db)}`,
      '',
      '[listener]',
      `address = "127.0.0.1:${port}"`,
      'tls_disable = true',
      '',
    ].join('\n'),
  );
  return { dir, db, file };
}

async function call(url, method, path, { token, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers['x-vault-token'] = token;
  const res = await fetch(`${url}/v1/${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} /v1/${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * init (1 share), unseal, mount KV v2 at secret/, write the secret the read benchmark reads.
 * Returns the root token.
 */
export async function setUpVault(url, readPath) {
  const init = await call(url, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
  const key = init.keys_base64?.[0] ?? init.keys[0];
  const seal = await call(url, 'PUT', 'sys/unseal', { body: { key } });
  if (seal.sealed) throw new Error('vault still sealed after unseal');
  const token = init.root_token;
  await call(url, 'POST', 'sys/mounts/secret', { token, body: { type: 'kv', options: { version: '2' } } });
  await call(url, 'POST', `secret/data/${readPath}`, {
    token,
    body: { data: { username: 'bench', password: 'x'.repeat(64), url: 'postgres://db.example:5432/app' } },
  });
  const got = await call(url, 'GET', `secret/data/${readPath}`, { token });
  if (got?.data?.data?.username !== 'bench') throw new Error('read-back of the seeded secret failed');
  return token;
}
