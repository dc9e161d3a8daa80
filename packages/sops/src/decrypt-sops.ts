import { openDataKey } from './data-key.js';
import { decryptTree } from './decrypt-tree.js';
import { detectFormat, type SopsFormat } from './detect-format.js';
import { SopsFormatError } from './errors.js';
import { readMetadata } from './metadata.js';
import { parseDotenv } from './parse-dotenv.js';
import { parseIni } from './parse-ini.js';
import { parseJson } from './parse-json.js';
import { parseYaml } from './parse-yaml.js';
import { toPublicTree, type ParsedSopsFile, type SopsTree } from './tree-node.js';

export interface DecryptSopsOptions {
  /** The file's format; without it, detected from `fileName`, else from the content. */
  format?: SopsFormat;
  /** The file's name, to detect the format by extension as SOPS does (unknown extension: binary). */
  fileName?: string;
  /** age identities (`AGE-SECRET-KEY-1…`), e.g. from {@link readAgeIdentities}. */
  identities: string[];
}

const PARSERS: Record<SopsFormat, (text: string) => ParsedSopsFile> = {
  yaml: parseYaml,
  json: parseJson,
  binary: parseJson,
  ini: parseIni,
  dotenv: parseDotenv,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decrypts a SOPS file encrypted to age and returns its tree, only after the SOPS MAC verifies.
 *
 * Values keep their SOPS types (`str`, `int`, `float`, `bool`); empty strings and nulls are kept;
 * maps keep document order. A binary file decrypts to `{ data: <the whole file as text> }`.
 *
 * @throws {SopsMacMismatchError} the file was altered (a value or the MAC does not authenticate).
 * @throws {SopsNoMatchingKeyError} no identity opens any age stanza.
 * @throws {SopsFormatError} the file or an identity cannot be parsed, or uses an unsupported feature.
 */
export async function decryptSops(text: string | Uint8Array, options: DecryptSopsOptions): Promise<SopsTree> {
  let source: string;
  try {
    source = typeof text === 'string' ? text : utf8.decode(text);
  } catch {
    throw new SopsFormatError('the file is not valid utf-8');
  }
  source = source.replace(/^\uFEFF/, '');
  const format = options.format ?? detectFormat(source, options.fileName);
  const parse = PARSERS[format];
  if (parse === undefined) throw new SopsFormatError(`unknown sops format \`${String(format)}\``);
  const parsed = parse(source);
  if (parsed.metadata === undefined) throw new SopsFormatError(`not a sops file: no \`sops\` metadata (read as ${format})`);
  const meta = readMetadata(parsed.metadata);
  const dataKey = await openDataKey(meta.ageStanzas, options.identities);
  try {
    const tree = toPublicTree(decryptTree(parsed.branch, meta, dataKey));
    if (format === 'binary' && typeof tree['data'] !== 'string') {
      throw new SopsFormatError('a binary sops file must hold a single `data` string');
    }
    return tree;
  } finally {
    dataKey.fill(0);
  }
}
