import { stringify as stringifyYaml } from 'yaml';
import type { CliIo } from './io.js';
import { usageError } from './errors.js';

export type Format = 'table' | 'json' | 'yaml';

const FORMATS: readonly Format[] = ['table', 'json', 'yaml'];

/** Validates `-format`; VAULT_FORMAT is the fallback, as in Vault (`yml` is Vault's alias for `yaml`). */
export function resolveFormat(flag: string | undefined, env: CliIo['env']): Format {
  const raw = (flag ?? env['VAULT_FORMAT'] ?? 'table').toLowerCase();
  const value = raw === 'yml' ? 'yaml' : raw;
  if (!(FORMATS as readonly string[]).includes(value)) throw usageError(`\`-format\` must be "table", "json" or "yaml", got \`${raw}\``);
  return value as Format;
}

/** Pretty JSON with a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Block-style YAML of a JSON value, as `vault -format=yaml` prints it. The value goes through
 * JSON first so that what YAML shows is exactly what `-format=json` shows (no `undefined`, no
 * class instances). Strings YAML would read as another type (`"true"`, `"1.0"`, `"null"`) are
 * quoted; multi-line strings (PEM blocks) become `|` literals; nothing is folded, so a token or a
 * certificate line is never split.
 */
export function toYaml(value: unknown): string {
  const json: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  return stringifyYaml(json, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

/** The machine-readable rendering of `value` for `-format=json|yaml`. */
export function structured(format: Exclude<Format, 'table'>, value: unknown): string {
  return format === 'yaml' ? toYaml(value) : toJson(value);
}

/** Vault's rendering of one value in a table: `n/a` for null, `[a b]` for lists, `map[k:v]` for objects. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'n/a';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, v]) => `${k}:${formatValue(v)}`).join(' ')}]`;
  }
  return String(value);
}

/**
 * Aligned columns with a dashed underline under the header; each row is one line. An empty cell
 * prints `n/a`, as Vault's tables do (`deletion_time    n/a`), so no row ends in a bare key.
 */
export function columns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, header.map((h) => '-'.repeat(h.length)), ...rows.map((row) => row.map((cell) => (cell === '' ? 'n/a' : cell)))];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 4))).join('').trimEnd())
    .join('\n')
    .concat('\n');
}

/** A Key/Value table; keys sorted unless `sorted` is false. */
export function keyValueTable(data: Record<string, unknown>, sorted = true): string {
  const entries = Object.entries(data);
  if (sorted) entries.sort(([a], [b]) => a.localeCompare(b));
  return columns(['Key', 'Value'], entries.map(([k, v]) => [k, formatValue(v)]));
}

/** A single-column list (`Keys` / `----` / …). */
export function keyList(keys: readonly string[], header = 'Keys'): string {
  return columns([header], keys.map((k) => [k]));
}

/** `== Title ==`, then a blank line is the caller's business. */
export function sectionTitle(title: string): string {
  return `== ${title} ==\n`;
}

/** `-field=name`: the raw value, strings without quotes. */
export function fieldValue(data: Record<string, unknown>, field: string, where: string): string {
  if (!(field in data)) throw usageError(`field \`${field}\` not present in ${where}`);
  const value = data[field];
  return typeof value === 'string' ? `${value}\n` : toJson(value);
}
