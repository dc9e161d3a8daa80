/**
 * dotenv → ordered tree, per getsops/sops `stores/dotenv`: one `KEY=VALUE` per `\n`-separated
 * line, split at the first `=`, nothing trimmed or unquoted; `\n` in a value is a newline; empty
 * lines are skipped and `#` lines are comments (dropped: not in the MAC). Keys starting with
 * `sops_` are the metadata, flattened (`sops_age__list_0__map_enc`, `sops_mac`, `sops_lastmodified`).
 */
import { SopsFormatError } from './errors.js';
import { unflattenMetadata } from './metadata.js';
import type { ParsedSopsFile, TreeNode } from './tree-node.js';

const SOPS_PREFIX = 'sops_';

export function parseDotenv(text: string): ParsedSopsFile {
  const entries: Array<readonly [string, TreeNode]> = [];
  const meta: Array<readonly [string, string]> = [];
  text.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq === -1) throw new SopsFormatError(`the file is not valid dotenv: line ${i + 1} has no \`=\``);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).replaceAll('\\n', '\n');
    if (key.startsWith(SOPS_PREFIX)) meta.push([key.slice(SOPS_PREFIX.length), value]);
    else entries.push([key, { kind: 'string', value }]);
  });
  return { branch: { kind: 'map', entries }, metadata: meta.length === 0 ? undefined : unflattenMetadata(meta) };
}
