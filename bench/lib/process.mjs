import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Every child this run started, so that an abort can stop exactly those (by pid). */
const children = new Set();

/** Stops every child still running (SIGTERM, then SIGKILL after 3 s). */
export async function stopAll() {
  await Promise.all([...children].map((c) => stop(c)));
}

/** A free loopback port (the OS picks it; there is a tiny race before the server binds it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node ...args` pinned to `core` and waits for the `"msg":"listening"` JSON line on its
 * stderr. Returns { child, url, stderr() }.
 */
export function startServer({ name, core, nodeArgs = [], args, env, timeoutMs = 30_000 }) {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let err = '';
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`${name}: no "listening" line within ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => {
      err += d;
      for (const line of err.split('\n')) {
        if (!line.includes('"listening"')) continue;
        try {
          const msg = JSON.parse(line);
          if (msg.msg === 'listening' && msg.address) {
            clearTimeout(timer);
            resolve({ name, child, url: msg.address, stderr: () => err, stdout: () => out });
            return;
          }
        } catch {
          // a partial line; wait for the rest
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening\n${err}`));
    });
  });
}

/** SIGTERM, wait for exit (so --cpu-prof can write its profile), SIGKILL after `graceMs`. */
export function stop(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs a command to completion with a hard timeout; resolves { code, stdout, stderr }. */
export function runCommand(cmd, args, { timeoutMs, env } = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
