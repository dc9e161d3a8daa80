import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MapStore } from '../../framework/engine-harness.js';
import { PasswordPolicyStore } from '../../password-policies/password-policy-store.js';
import { PrefixView } from '../../storage/storage-view.js';

/**
 * Real databases for the engine's tests, on loopback only. Under `CI=true` a missing database is
 * a failure, never a skip.
 *
 * The shared PostgreSQL on :5432 trusts every TCP login, so "the login now fails" cannot be shown
 * there: `startScramPostgres` runs a throwaway cluster (`initdb -A scram-sha-256`) in a temp dir
 * on a free port, as the `postgres` OS user when run as root, and removes it on `stop()`.
 */
const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';
export const inCi = process.env['CI'] === 'true';

export interface ScramPostgres {
  port: number;
  superPassword: string;
  /** A superuser client (for checks and fixtures). */
  admin(): pg.Client;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts a scram-sha-256 PostgreSQL 15 cluster, or returns undefined when it cannot (skip outside CI). */
export async function startScramPostgres(): Promise<ScramPostgres | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'sv-pg-'));
  const asPostgres = process.getuid?.() === 0;
  const superPassword = 'Super-Secret-1';
  let started = false;
  let stop: (() => Promise<unknown>) | undefined;
  try {
    chmodSync(dir, 0o700);
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, superPassword);
    const data = join(dir, 'data');
    if (asPostgres) {
      // The cluster runs as the postgres OS user; look its ids up rather than assume them.
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
      chownSync(pwfile, uid, gid);
    }
    const cmd = (bin: string, args: string[]) => (asPostgres ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args]) as [string, string[]];
    await run(...cmd('initdb', ['-D', data, '-A', 'scram-sha-256', '-U', 'postgres', `--pwfile=${pwfile}`, '--no-sync']), { timeout: 60_000 });
    const port = await freePort();
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    // pg_ctl, not a spawned postgres: runuser does not pass signals on, so stopping needs pg_ctl.
    await run(...cmd('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']), { timeout: 40_000 });
    started = true;
    const admin = () => new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: superPassword, database: 'postgres' });
    const stopCluster = () => run(...cmd('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']), { timeout: 40_000 });
    stop = stopCluster;
    return {
      port,
      superPassword,
      admin,
      async stop() {
        await stopCluster().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (started) await stop?.().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (inCi) throw err;
    return undefined;
  }
}

/** Whether the shared MariaDB on :3306 answers as root; under CI a missing server throws. */
export async function mariadbAvailable(): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', connectTimeout: 3000 });
    await c.end();
    return true;
  } catch (err) {
    if (inCi) throw err;
    return false;
  }
}

/** Tries a login; resolves true when the server accepts it and runs `sql`. */
export async function pgLogin(port: number, user: string, password: string, sql = 'SELECT 1'): Promise<boolean> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres', connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.query(sql);
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function mysqlLogin(user: string, password: string, sql = 'SELECT 1'): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user, password, connectTimeout: 5000 });
    try {
      await c.query(sql);
      return true;
    } finally {
      await c.end().catch(() => undefined);
    }
  } catch {
    return false;
  }
}

/**
 * A loopback TCP proxy that can be taken down and brought back on the same port, to make a
 * database unreachable for the engine while it keeps running.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly targetPort: number) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every open connection. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise((r) => server.close(() => r(null)));
  }
}

/** A password policy store on its own in-memory system view, for an engine mounted without a vault (tier 1). */
export const testPasswordPolicies = (): PasswordPolicyStore => new PasswordPolicyStore(new PrefixView(new MapStore(), 'sys/'));
