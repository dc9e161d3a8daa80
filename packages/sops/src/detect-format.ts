/** The five SOPS formats, and how a file's format is chosen when the caller does not say. */
export type SopsFormat = 'yaml' | 'json' | 'ini' | 'dotenv' | 'binary';

/**
 * By file name, as SOPS does (`cmd/sops/formats`): `.yaml`/`.yml`, `.json`, `.ini`, `.env`,
 * anything else binary. Without a name, by content: a JSON object is `json` (the binary format
 * is a JSON object too, and decrypts to the same `{ data }` tree), a `[sops]` section is `ini`,
 * a `sops_mac=`/`sops_version=` line is `dotenv`, anything else `yaml`.
 */
export function detectFormat(text: string, fileName: string | undefined): SopsFormat {
  if (fileName !== undefined) {
    const name = fileName.toLowerCase();
    if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
    if (name.endsWith('.json')) return 'json';
    if (name.endsWith('.ini')) return 'ini';
    if (name.endsWith('.env')) return 'dotenv';
    return 'binary';
  }
  if (/^\uFEFF?\s*\{/.test(text)) return 'json';
  if (/^\[sops\][ \t]*\r?$/m.test(text)) return 'ini';
  if (/^sops_(?:mac|version|lastmodified)=/m.test(text)) return 'dotenv';
  return 'yaml';
}
