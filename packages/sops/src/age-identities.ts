import { SopsFormatError } from './errors.js';

const KEY_RE = /^AGE-SECRET-KEY-(?:PQ-)?1[02-9ACDEFGHJKLMNPQRSTUVWXYZ]+$/;

/**
 * Parses age identities from an age key file (`age-keygen` output: `#` comments, blank lines,
 * one `AGE-SECRET-KEY-1…` per line) or from `SOPS_AGE_KEY`-style content (the same lines, or
 * `SOPS_AGE_KEY=…` / `export SOPS_AGE_KEY="…"` assignments, several keys separated by newlines).
 *
 * @throws {SopsFormatError} a line is neither blank, a comment nor an identity (named by line number only).
 */
export function readAgeIdentities(fileText: string): string[] {
  const identities: string[] = [];
  fileText
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      let line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const assignment = /^(?:export\s+)?SOPS_AGE_KEY\s*=\s*(.*)$/.exec(line);
      if (assignment !== null) line = unquote(assignment[1] ?? '');
      for (const piece of line.split(/\\n|\s+/)) {
        if (piece === '') continue;
        const key = piece.toUpperCase(); // bech32 is case-insensitive; typage wants upper case
        if (!KEY_RE.test(key)) throw new SopsFormatError(`age key file line ${i + 1} is not an \`AGE-SECRET-KEY-1…\` identity`);
        identities.push(key);
      }
    });
  return identities;
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0]) ? v.slice(1, -1) : v;
}
