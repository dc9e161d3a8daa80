import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { runTool, SSH, SSHD, type TempDir } from './openssh-tools.js';

/**
 * Test support: a real OpenSSH server on 127.0.0.1 and a random free port, trusting the CA keys
 * it is given (TrustedUserCAKeys) and nothing else — no authorized_keys, no passwords, no PAM,
 * and `AuthorizedPrincipalsFile none` so a certificate's principals must name the login user.
 * It runs with a time limit and is killed by `stop`.
 */

/** A running sshd. */
export interface Sshd {
  readonly port: number;
  /** The user tests log in as: whoever runs the tests (root in CI). */
  readonly user: string;
  /** Everything sshd has logged so far (`-e` sends the log to stderr). */
  log(): string;
  /** Runs `ssh … true` with a key and certificate; resolves with ssh's exit code and stderr. */
  login(keyFile: string, certFile: string, extra?: readonly string[]): Promise<{ code: number; stderr: string }>;
  stop(): Promise<void>;
}

/** Files sshd is started with. */
export interface SshdOptions {
  readonly dir: TempDir;
  /** Path of the TrustedUserCAKeys file. */
  readonly trustedCaFile: string;
  readonly hostKeyFile: string;
  readonly hostCertificateFile?: string;
  /** Kill sshd after this long whatever happens. */
  readonly maxLifetimeMs?: number;
}

/** Starts sshd and waits until it listens. */
export async function startSshd(opts: SshdOptions): Promise<Sshd> {
  const port = await freePort();
  const user = userInfo().username;
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${opts.hostKeyFile}`,
    ...(opts.hostCertificateFile ? [`HostCertificate ${opts.hostCertificateFile}`] : []),
    `TrustedUserCAKeys ${opts.trustedCaFile}`,
    'AuthorizedKeysFile none',
    'AuthorizedPrincipalsFile none',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PidFile none',
    // Root in CI; prohibit-password would allow certificates too, `yes` states the intent plainly.
    'PermitRootLogin yes',
    'LogLevel VERBOSE',
  ].join('\n');
  const configFile = await opts.dir.write('sshd_config', `${config}\n`);
  // sshd started as root insists on its privilege-separation directory; containers often lack it.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });

  const child = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.maxLifetimeMs ?? 120_000);
  killer.unref();
  await waitFor(child, () => log.includes(`Server listening on 127.0.0.1 port ${port}`), () => log, 10_000);

  return {
    port,
    user,
    log: () => log,
    async login(keyFile, certFile, extra = []) {
      const res = await runTool(
        SSH,
        [
          '-F', '/dev/null',
          // ssh keeps the first value it sees for an option, so a test's own options go first.
          ...extra,
          '-i', keyFile,
          '-o', `CertificateFile=${certFile}`,
          '-o', 'IdentitiesOnly=yes',
          '-o', 'IdentityAgent=none',
          '-o', 'PreferredAuthentications=publickey',
          '-o', 'BatchMode=yes',
          '-o', 'ConnectTimeout=5',
          '-o', 'StrictHostKeyChecking=no',
          '-o', 'UserKnownHostsFile=/dev/null',
          '-o', 'LogLevel=ERROR',
          '-p', String(port),
          `${user}@127.0.0.1`,
          'true',
        ],
        15_000,
      );
      return { code: res.code, stderr: res.stderr };
    },
    async stop() {
      clearTimeout(killer);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Asks the kernel for a free loopback port. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(child: ChildProcess, ready: () => boolean, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log().trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sshd did not start within ${timeoutMs} ms: ${log().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

