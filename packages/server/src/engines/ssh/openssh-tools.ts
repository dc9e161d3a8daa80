import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Test support: the real OpenSSH tools (Debian's openssh-client and openssh-server). Every run is
 * bounded in time. Outside CI a missing tool skips the tests that need it; under CI=true it fails
 * them, so a runner without the packages cannot pass silently.
 */

const run = promisify(execFile);

/** Debian's openssh-client. */
export const SSH_KEYGEN = '/usr/bin/ssh-keygen';
/** Debian's openssh-client. */
export const SSH = '/usr/bin/ssh';
/** Debian's openssh-server. */
export const SSHD = '/usr/sbin/sshd';

/** `{ skip }` for node:test: a reason to skip when `tools` are missing, or false. Throws under CI. */
export function needTools(...tools: string[]): { skip: string | false } {
  const missing = tools.filter((t) => !existsSync(t));
  if (missing.length === 0) return { skip: false };
  const reason = `missing ${missing.join(', ')} (apt-get install openssh-client openssh-server)`;
  if (process.env['CI'] === 'true') throw new Error(`CI=true and ${reason}`);
  return { skip: reason };
}

/** A temp directory removed by `dispose`. */
export interface TempDir {
  readonly path: string;
  write(name: string, content: string, mode?: number): Promise<string>;
  dispose(): Promise<void>;
}

/** Makes a private temp directory (mode 0700, from mkdtemp). */
export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'secretum-ssh-'));
  return {
    path,
    async write(name, content, mode = 0o600) {
      const file = join(path, name);
      await writeFile(file, content, { mode });
      return file;
    },
    dispose: () => rm(path, { recursive: true, force: true }),
  };
}

/** Runs a tool with a time limit; resolves with its exit code and output whatever the code. */
export async function runTool(
  file: string,
  args: readonly string[],
  timeoutMs = 15_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { timeout: timeoutMs, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (err) {
    // execFile rejects with the exit code and output attached; a kill by timeout has no numeric code.
    const field = (name: string): unknown => (typeof err === 'object' && err !== null ? Reflect.get(err, name) : undefined);
    const code = field('code');
    const stdout = field('stdout');
    const stderr = field('stderr');
    return {
      code: typeof code === 'number' ? code : -1,
      stdout: typeof stdout === 'string' ? stdout : '',
      stderr: typeof stderr === 'string' && stderr !== '' ? stderr : String(err),
    };
  }
}

/** `ssh-keygen -L -f <cert>`: the certificate as OpenSSH reads it. Fails if ssh-keygen cannot parse it. */
export async function describeCertificate(dir: TempDir, certLine: string): Promise<string> {
  const file = await dir.write(`cert-${Date.now()}-${Math.random().toString(16).slice(2)}-cert.pub`, certLine);
  const res = await runTool(SSH_KEYGEN, ['-L', '-f', file]);
  if (res.code !== 0) throw new Error(`ssh-keygen -L failed: ${res.stderr.trim()}`);
  return res.stdout;
}

/** A fresh key pair made by ssh-keygen itself: { private key path, public key line }. */
export async function keygen(dir: TempDir, type: 'ed25519' | 'rsa' | 'ecdsa', name: string, bits?: number): Promise<{ keyFile: string; publicKey: string }> {
  const keyFile = join(dir.path, name);
  const args = ['-q', '-t', type, '-N', '', '-C', name, '-f', keyFile, ...(bits ? ['-b', String(bits)] : [])];
  const res = await runTool(SSH_KEYGEN, args, 60_000);
  if (res.code !== 0) throw new Error(`ssh-keygen failed: ${res.stderr.trim()}`);
  const pub = await runTool(SSH_KEYGEN, ['-y', '-f', keyFile]);
  return { keyFile, publicKey: pub.stdout.trim() };
}
