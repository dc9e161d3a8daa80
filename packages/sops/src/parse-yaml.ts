/**
 * YAML → ordered tree, with the `yaml` package's YAML 1.2 core schema (what go-yaml v3, SOPS'
 * parser, resolves for untagged scalars). Comments, including SOPS' encrypted `#ENC[…]` comments,
 * are dropped: they are not part of the MAC and carry nothing to migrate.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import { SopsFormatError } from './errors.js';
import type { MapNode, ParsedSopsFile, ScalarNode, TreeNode } from './tree-node.js';
import { splitMetadata } from './split-metadata.js';

const MAX_ALIASES = 100;

export function parseYaml(text: string): ParsedSopsFile {
  const docs = parseAllDocuments(text, { schema: 'core', intAsBigInt: true, uniqueKeys: true, prettyErrors: false });
  if (docs.length > 1) throw new SopsFormatError('multi-document yaml sops files are not supported');
  const doc = docs[0];
  if (doc === undefined) return splitMetadata({ kind: 'map', entries: [] });
  const first = doc.errors[0];
  if (first !== undefined) {
    // The parser's own message may quote the line, which may hold a clear-text value: keep only the position.
    const line = first.linePos?.[0].line;
    throw new SopsFormatError(`the file is not valid yaml${line === undefined ? '' : ` (line ${line})`}`);
  }
  let aliases = 0;
  const convert = (node: unknown, path: string): TreeNode => {
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) throw new SopsFormatError('the yaml document uses too many aliases');
      return convert(node.resolve(doc as Document), path);
    }
    if (isMap(node)) {
      const entries = node.items.map((pair) => {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key !== 'string') throw new SopsFormatError(`a key below \`${path}\` is not a string`);
        return [key, convert(pair.value, path === '' ? key : `${path}:${key}`)] as const;
      });
      return { kind: 'map', entries };
    }
    if (isSeq(node)) return { kind: 'list', items: node.items.map((item) => convert(item, path)) };
    if (node === null || node === undefined) return { kind: 'null' };
    if (isScalar(node)) return scalar(node.value, path);
    throw new SopsFormatError(`unsupported yaml node at \`${path}\``);
  };
  const root = doc.contents === null ? ({ kind: 'map', entries: [] } satisfies MapNode) : convert(doc.contents, '');
  if (root.kind !== 'map') throw new SopsFormatError('the yaml document is not a mapping');
  return splitMetadata(root);
}

function scalar(value: unknown, path: string): ScalarNode {
  switch (typeof value) {
    case 'string':
      return { kind: 'string', value };
    case 'bigint':
      return { kind: 'int', value };
    case 'number':
      return { kind: 'float', value };
    case 'boolean':
      return { kind: 'bool', value };
    default:
      if (value === null) return { kind: 'null' };
      throw new SopsFormatError(`unsupported yaml value at \`${path}\``);
  }
}
