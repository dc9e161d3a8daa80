import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist-test/e2e/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SECRETUM_BIN = join(REPO_ROOT, 'packages/cli/bin/secretum.js');

export interface ServerProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  /** Everything the process wrote to stderr so far (JSON log lines). */
  logs(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to flush anything. */
  kill(): Promise<void>;
}

/** A fresh temp dir with a server.toml for SQLite storage on a loopback port chosen by the OS. */
export function sqliteConfig(dir = mkdtempSync(join(tmpdir(), 'secretum-e2e-'))): { dir: string; config: string; db: string } {
  const db = join(dir, 'vault.db');
  const config = join(dir, 'server.toml');
  writeFileSync(
    config,
    `[storage]\ntype = "sqlite"\npath = "${db}"\n\n[listener]\naddress = "127.0.0.1:0"\ntls_disable = true\n`,
  );
  return { dir, config, db };
}

/** Starts `secretum server` as a real process and waits for its listening line. */
export async function startServerProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [SECRETUM_BIN, 'server', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${stderr}\n${stdout}`)), 20_000);
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const line of stderr.split('\n')) {
        if (!line.includes('"listening"')) continue;
        const address = (JSON.parse(line) as { address?: string }).address;
        if (address) {
          clearTimeout(timer);
          resolve(address);
        }
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}\n${stdout}`));
    });
  });
  return {
    url,
    proc,
    logs: () => stderr,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
