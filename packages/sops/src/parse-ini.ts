/**
 * INI → ordered tree, reading values the way go-ini (gopkg.in/ini.v1, SOPS' INI library, with
 * SOPS' `LoadOptions{AllowNonUniqueSections: true}`) does, because the MAC covers clear-text
 * values byte for byte: `=` or `:` delimiters, an inline `#`/`;` ends a value, surrounding quotes
 * are stripped, `"""`/backtick values may span lines, a trailing `\` continues a line.
 * Sections are the first path level. The `[sops]` section holds the metadata flattened
 * (`age__list_0__map_enc`) with newlines escaped as `\n`. Comments are dropped (not in the MAC).
 */
import { SopsFormatError } from './errors.js';
import { unflattenMetadata } from './metadata.js';
import type { MapNode, ParsedSopsFile, TreeNode } from './tree-node.js';

interface Section {
  readonly name: string;
  readonly keys: Map<string, string>; // go-ini: a repeated key overwrites the value, keeps its place
}

export function parseIni(text: string): ParsedSopsFile {
  const sections = readSections(text);
  const sops = sections.filter((s) => s.name === 'sops');
  if (sops.length > 1) throw new SopsFormatError('the file has more than one `[sops]` section');
  const metadata = sops[0] === undefined
    ? undefined
    : unflattenMetadata([...sops[0].keys].map(([k, v]) => [k, v.replaceAll('\\n', '\n')] as const));
  const entries = sections
    // go-ini always reports a DEFAULT section; empty, it adds nothing to the MAC or the tree.
    .filter((s) => s.name !== 'sops' && !(s.name === 'DEFAULT' && s.keys.size === 0))
    .map((s) => {
      const values: MapNode = { kind: 'map', entries: [...s.keys].map(([k, v]) => [k, { kind: 'string', value: v }] as const) };
      return [s.name, values as TreeNode] as const;
    });
  return { branch: { kind: 'map', entries }, metadata };
}

function readSections(text: string): Section[] {
  const lines = text.replace(/^\uFEFF/, '').match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let index = 0;
  const next = (): string | undefined => lines[index++];
  let section: Section = { name: 'DEFAULT', keys: new Map() };
  const sections = [section];
  const fail = (what: string): never => {
    throw new SopsFormatError(`the file is not valid ini: ${what} (line ${index})`);
  };

  for (let raw = next(); raw !== undefined; raw = next()) {
    const line = raw.trimStart();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    if (line[0] === '[') {
      const close = line.lastIndexOf(']');
      if (close === -1) fail('unclosed section');
      const name = line.slice(1, close);
      if (name === '') fail('empty section name');
      section = { name, keys: new Map() };
      sections.push(section);
      continue;
    }
    const { key, offset } = readKeyName(line) ?? fail('a line is neither a section, a comment nor a key');
    section.keys.set(key, readValue(line.slice(offset), next, fail));
  }
  return sections;
}

function readKeyName(line: string): { key: string; offset: number } | undefined {
  const quote = line.startsWith('"""') && line.length > 6 ? '"""' : line[0] === '"' ? '"' : line[0] === '`' ? '`' : '';
  if (quote !== '') {
    const end = line.indexOf(quote, quote.length);
    if (end === -1) return undefined;
    const delim = line.slice(end + quote.length).search(/[=:]/);
    if (delim < 0) return undefined;
    return { key: line.slice(quote.length, end).trim(), offset: end + quote.length + delim + 1 };
  }
  const delim = line.search(/[=:]/);
  if (delim <= 0) return undefined;
  return { key: line.slice(0, delim).trim(), offset: delim + 1 };
}

function readValue(input: string, next: () => string | undefined, fail: (what: string) => never): string {
  let line = input.trimStart();
  if (line === '') return '';
  const quote = line.length > 3 && line.startsWith('"""') ? '"""' : line[0] === '`' ? '`' : '';
  if (quote !== '') {
    const rest = line.slice(quote.length);
    const end = rest.lastIndexOf(quote);
    if (end !== -1) return rest.slice(0, end);
    let value = rest;
    for (;;) {
      const more = next() ?? fail('unclosed quoted value');
      const close = more.lastIndexOf(quote);
      if (close !== -1) return value + more.slice(0, close);
      value += more;
    }
  }
  line = line.trim();
  if (line.endsWith('\\')) {
    let value = line.slice(0, -1);
    for (let more = next(); more !== undefined; more = next()) {
      const piece = more.trim();
      if (piece === '') break;
      value += piece;
      if (!value.endsWith('\\')) break;
      value = value.slice(0, -1);
    }
    return value;
  }
  const comment = line.search(/[#;]/);
  if (comment > -1) line = line.slice(0, comment).trim();
  const surrounded = (q: string): boolean =>
    line.length >= 2 && line.startsWith(q) && line.endsWith(q) && line.indexOf(q, 1) === line.length - 1;
  return surrounded("'") || surrounded('"') ? line.slice(1, -1) : line;
}
