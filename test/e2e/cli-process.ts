import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, SECRETUM_BIN } from './server-process.js';

/**
 * The real command-line binaries, one process per command: what a shell script sees (stdout,
 * stderr, exit code) is what the end-to-end CLI tests check.
 */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const PROVISIONING_BIN = join(REPO_ROOT, 'packages/cli/bin/provisioning.js');

/** Bounds every CLI process, so a hang fails one test instead of stalling the run. */
const CLI_TIMEOUT_MS = 20_000;

/**
 * Runs `file args…` with only PATH and `env` in its environment (no VAULT_* or HOME leaks in
 * from the shell running the tests). `stdin` is written and closed; without it stdin is empty.
 */
export function runProcess(file: string, args: readonly string[], env: Record<string, string>, stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

export const secretum = (args: readonly string[], env: Record<string, string>, stdin = '') =>
  runProcess(process.execPath, [SECRETUM_BIN, ...args], env, stdin);

export const provisioning = (args: readonly string[], env: Record<string, string>, stdin = '') =>
  runProcess(process.execPath, [PROVISIONING_BIN, ...args], env, stdin);

/** Exit 0 and nothing on stderr; returns stdout. */
export function ok(r: CliResult): string {
  assert.equal(r.code, 0, `expected exit 0, got ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

/** Exit `code`, nothing on stdout, exactly one line on stderr matching `pattern`, no stack trace. */
export function fails(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `expected exit ${code}, got ${r.code}; stdout: ${r.stdout} stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^[^\n]+\n$/, `expected one line on stderr, got: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |node:internal/);
  assert.match(r.stderr.trimEnd(), pattern);
}
