/**
 * Vault's duration syntax: a number of seconds (`30`, `"30"`) or Go-style units
 * (`"90s"`, `"1h30m"`, `"2d"`). Returns whole seconds, or undefined when unparsable.
 */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? Math.floor(input) : undefined;
  const s = input.trim();
  if (s === '') return 0;
  if (/^-?\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed === s.length && consumed > 0 ? Math.floor(total) : undefined;
}

/** Formats seconds as Go does for durations in a few responses (`"768h0m0s"`). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}
