import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway single-member etcd for tests: loopback, ports chosen by the OS, a temp data dir,
 * stopped and deleted by `stop()`. The binary is `$ETCD_BIN` or `etcd` on PATH (Debian:
 * `apt-get install etcd-server`). Missing binary: `undefined`, so the caller can skip, except
 * under `CI=true`, where it is an error: CI must never pass by skipping the etcd suites.
 */
export interface EtcdTestServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startEtcd(): Promise<EtcdTestServer | undefined> {
  const bin = process.env['ETCD_BIN'] ?? 'etcd';
  const [client, peer] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'secretum-etcd-'));
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const proc = spawn(
    bin,
    [
      '--name', 'test',
      '--data-dir', dir,
      '--listen-client-urls', url,
      '--advertise-client-urls', url,
      '--listen-peer-urls', peerUrl,
      '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `test=${peerUrl}`,
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    proc.once('error', resolve);
    proc.once('spawn', () => resolve(undefined));
  });
  if (spawnError !== undefined) {
    rmSync(dir, { recursive: true, force: true });
    if (spawnError.code === 'ENOENT' && process.env['CI'] !== 'true') return undefined;
    throw new Error(`cannot start etcd (\`${bin}\`): ${spawnError.message}; install etcd-server or set ETCD_BIN`);
  }
  const stop = async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') break;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
