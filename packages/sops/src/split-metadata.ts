import { SopsFormatError } from './errors.js';
import type { MapNode, ParsedSopsFile } from './tree-node.js';

/** Separates the top-level `sops` mapping (YAML, JSON, binary) from the data branch. */
export function splitMetadata(root: MapNode): ParsedSopsFile {
  const meta = root.entries.filter(([key]) => key === 'sops');
  if (meta.length > 1) throw new SopsFormatError('the file has more than one `sops` key');
  const node = meta[0]?.[1];
  if (node !== undefined && node.kind !== 'map') throw new SopsFormatError('the `sops` key is not a mapping');
  return { branch: { kind: 'map', entries: root.entries.filter(([key]) => key !== 'sops') }, metadata: node };
}
