import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envelope, type FakeHandler, type FakeReply, type SeenRequest } from './fake-vault.test-helper.js';

/**
 * A KV v2 mount `secret/` in memory, as a handler for the fake vault: data read/write (with cas),
 * metadata read, LIST. Enough for the provider and cache tests. Tests only.
 */
export function fakeKv(): { handler: FakeHandler; versions: Map<string, Record<string, unknown>[]> } {
  const versions = new Map<string, Record<string, unknown>[]>();
  const meta = (v: number) => ({ created_time: 'now', custom_metadata: null, deletion_time: '', destroyed: false, version: v });
  const handler = (req: SeenRequest): FakeReply | undefined => {
    const url = new URL(req.url, 'http://x/');
    const [mount, kind, ...rest] = url.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
    if (mount !== 'secret') return undefined;
    const path = rest.filter((s) => s !== '').join('/');
    const list = versions.get(path);
    if (kind === 'data' && req.method === 'GET') {
      if (!list) return undefined;
      const n = Number(url.searchParams.get('version') ?? 0) || list.length;
      const data = list[n - 1];
      return data ? { body: envelope({ data, metadata: meta(n) }) } : undefined;
    }
    if (kind === 'data' && req.method === 'POST') {
      const body = JSON.parse(req.body) as { data: Record<string, unknown>; options?: { cas?: number } };
      const current = list?.length ?? 0;
      if (body.options?.cas !== undefined && body.options.cas !== current) {
        return { status: 400, body: { errors: ['check-and-set parameter did not match the current version'] } };
      }
      versions.set(path, [...(list ?? []), body.data]);
      return { body: envelope(meta(current + 1)) };
    }
    if (kind === 'metadata' && url.searchParams.get('list') === 'true') {
      const prefix = path === '' ? '' : `${path}/`;
      const keys = new Set<string>();
      for (const key of versions.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        keys.add(rest.includes('/') ? `${rest.split('/')[0]}/` : rest);
      }
      return keys.size ? { body: envelope({ keys: [...keys].sort() }) } : undefined;
    }
    if (kind === 'metadata' && req.method === 'GET') {
      if (!list) return undefined;
      return { body: envelope({ current_version: list.length, oldest_version: 1, versions: {} }) };
    }
    return undefined;
  };
  return { handler, versions };
}

/** shared/fixtures/sops beside the repository (see packages/sops/src/fixtures.test-helper.ts). */
export function sopsFixtures(): string {
  if (process.env['SOPS_FIXTURES']) return process.env['SOPS_FIXTURES'];
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'fixtures', 'sops');
    if (existsSync(join(candidate, 'keys.txt'))) return candidate;
    if (dirname(dir) === dir) throw new Error('shared/fixtures/sops not found beside the repository; set SOPS_FIXTURES');
  }
}

/** A closed loopback port: connections are refused. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
