import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FakeClock, mountEngine, type EngineHarness } from '../../framework/engine-harness.js';
import { pkiEngine } from './index.js';

/**
 * Shared setup for the PKI tests: mounts, a root and an intermediate CA, and a bounded runner
 * for /usr/bin/openssl. Without openssl a test is skipped locally and fails under CI=true.
 */

export const OPENSSL = '/usr/bin/openssl';

/** Skips (or, under CI, fails) a test that needs openssl when it is missing. */
export function requireOpenssl(t: TestContext): boolean {
  if (existsSync(OPENSSL)) return true;
  if (process.env['CI'] === 'true') throw new Error(`${OPENSSL} is required under CI`);
  t.skip(`${OPENSSL} not installed`);
  return false;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs openssl with a 20 s limit; never throws on a non-zero exit (tests assert on `code`). */
export function openssl(args: string[], cwd: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, args, { cwd, timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

/** A scratch directory removed when the test ends. */
export async function scratch(t: TestContext): Promise<{ dir: string; write(name: string, data: string | Uint8Array): Promise<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pki-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return {
    dir,
    async write(name, data) {
      await writeFile(join(dir, name), data);
      return join(dir, name);
    },
  };
}

/**
 * A PKI mount on a clock at real time, so openssl's own validity checks pass. Its max lease TTL
 * is 87600h, as after Vault's usual `vault secrets tune -max-lease-ttl=87600h pki`.
 */
export function mountPki(path = 'pki/', clock = new FakeClock(Date.now())): Promise<EngineHarness> {
  return mountEngine(pkiEngine, { path, type: 'pki', config: { default_lease_ttl: 0, max_lease_ttl: 87600 * 3600 } }, clock);
}

export type Data = Record<string, unknown>;

/** `send` returning `data`, failing the test when the response has none. */
export async function dataOf(h: EngineHarness, op: 'read' | 'list' | 'update' | 'delete', path: string, body?: Data): Promise<Data> {
  const res = await h.send(op, path, body);
  if (!res?.data) throw new Error(`no data from ${op} ${path}`);
  return res.data;
}

/** Reads a string field of a response. */
export function str(data: Data, key: string): string {
  const v = data[key];
  if (typeof v !== 'string') throw new Error(`field ${key} is not a string`);
  return v;
}

/** A root on `pki/` and an intermediate on `pki_int/`, signed by the root and set-signed. */
export async function rootAndIntermediate(clock = new FakeClock(Date.now())) {
  const root = await mountPki('pki/', clock);
  const rootData = await dataOf(root, 'update', 'root/generate/internal', { common_name: 'Example Root CA', ttl: '87600h' });
  const int = await mountPki('pki_int/', clock);
  const csr = await dataOf(int, 'update', 'intermediate/generate/internal', { common_name: 'Example Intermediate CA' });
  const signed = await dataOf(root, 'update', 'root/sign-intermediate', { csr: str(csr, 'csr'), common_name: 'Example Intermediate CA', ttl: '43800h' });
  const bundle = `${str(signed, 'certificate')}\n${str(signed, 'issuing_ca')}`;
  const setSigned = await dataOf(int, 'update', 'intermediate/set-signed', { certificate: bundle });
  return { root, int, clock, rootPem: str(rootData, 'certificate'), intPem: str(signed, 'certificate'), setSigned, signed };
}
