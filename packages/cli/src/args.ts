import type { CliIo } from './io.js';
import { usageError } from './errors.js';

/**
 * Boolean flags that Vault also accepts as `-flag=true` / `-flag=false`; the normaliser rewrites
 * those to `--flag` / `--no-flag`, which commander understands.
 */
const BOOLEAN_FLAGS = new Set(['dev', 'orphan', 'self', 'reset', 'cas-required', 'renewable', 'no-default-policy']);

/**
 * Vault's CLI takes long flags with one dash (`-format=json`, `-key-shares 5`); commander wants
 * two. Rewrites `-name…` (two or more characters) to `--name…`, leaves `-h`, `-` (stdin) and
 * negative numbers alone, and stops at `--`.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const arg of argv) {
    if (rest || arg === '--') {
      rest = true;
      out.push(arg);
      continue;
    }
    const match = /^--?([a-zA-Z][\w-]+)(=(.*))?$/s.exec(arg);
    if (!match || (!arg.startsWith('--') && match[1]!.length < 2)) {
      out.push(arg);
      continue;
    }
    const name = match[1]!;
    const value = match[3];
    if (BOOLEAN_FLAGS.has(name) && value !== undefined && /^(true|false|1|0|t|f)$/i.test(value)) {
      out.push(/^(true|1|t)$/i.test(value) ? `--${name}` : `--no-${name}`);
    } else {
      out.push(value === undefined ? `--${name}` : `--${name}=${value}`);
    }
  }
  return out;
}

/**
 * Parses Vault-style data arguments into an object: `k=v`, `k=@file` (the file's contents),
 * `k=-` (all of stdin), a lone `-` (a JSON object on stdin) or `@file.json` (a JSON object).
 * A key given twice becomes an array, as in Vault.
 */
export async function parseKeyValues(args: readonly string[], io: CliIo): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  let stdinUsed = false;
  const stdinOnce = async (): Promise<string> => {
    if (stdinUsed) throw usageError('stdin (`-`) can only be used once');
    stdinUsed = true;
    return io.readStdin();
  };
  for (const arg of args) {
    if (arg === '-' || (arg.startsWith('@') && !arg.includes('='))) {
      const text = arg === '-' ? await stdinOnce() : await readNamedFile(arg.slice(1), io);
      Object.assign(result, parseJsonObject(text, arg === '-' ? 'stdin' : arg.slice(1)));
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) throw usageError(`expected key=value, got \`${arg}\``);
    const key = arg.slice(0, eq);
    const raw = arg.slice(eq + 1);
    let value: string;
    if (raw === '-') value = stripFinalNewline(await stdinOnce());
    else if (raw.startsWith('@')) value = await readNamedFile(raw.slice(1), io);
    else value = raw;
    const previous = result[key];
    if (previous === undefined) result[key] = value;
    else result[key] = Array.isArray(previous) ? [...(previous as unknown[]), value] : [previous, value];
  }
  return result;
}

async function readNamedFile(path: string, io: CliIo): Promise<string> {
  try {
    return await io.readFile(path);
  } catch {
    throw usageError(`cannot read file \`${path}\``);
  }
}

function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(`${source} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError(`${source} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Commander parser for integer flags. */
export function parseInteger(name: string, min = 0): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw usageError(`\`-${name}\` must be an integer ≥ ${min}, got \`${value}\``);
    return Number(value);
  };
}

/** `1,2,3` → `[1, 2, 3]`. */
export function parseVersions(value: string): number[] {
  const parts = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (parts.length === 0 || parts.some((v) => !/^\d+$/.test(v))) {
    throw usageError(`\`-versions\` must be a comma-separated list of version numbers, got \`${value}\``);
  }
  return parts.map(Number);
}

/** Commander reducer for repeatable flags (`-policy=a -policy=b`, or `-policy=a,b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}
