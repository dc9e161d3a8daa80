import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs the real `openssl` for interop tests: a local process with a time bound, never the
 * network. Missing openssl skips the test, except under CI=true, where it is a failure.
 */
export const OPENSSL = '/usr/bin/openssl';

/** `skip` option for node:test: a reason when openssl is absent outside CI, else false. */
export function opensslSkip(): string | false {
  if (existsSync(OPENSSL)) return false;
  if (process.env['CI'] === 'true') throw new Error(`${OPENSSL} is required under CI=true`);
  return `${OPENSSL} not installed`;
}

/** Runs openssl with `args` in `cwd`; resolves to the exit code and output, never rejects on exit 1. */
export function openssl(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, args, { cwd, timeout: 10_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err && typeof err.code === 'number' ? err.code : 0, out: stdout + stderr });
    });
  });
}

/** A temporary directory removed after `work` finishes. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'transit-openssl-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
