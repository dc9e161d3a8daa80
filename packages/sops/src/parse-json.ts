/**
 * JSON → ordered tree. `JSON.parse` cannot be used: it reorders integer-like keys (the MAC is
 * over document order) and rounds 64-bit integers. Numbers follow getsops/sops' JSON store: an
 * integer literal within int64 is an int, anything else a float64. The binary format is this
 * same JSON with a single `data` key.
 */
import { SopsFormatError } from './errors.js';
import { goParseFloat, goParseInt } from './go-text.js';
import { splitMetadata } from './split-metadata.js';
import type { ParsedSopsFile, TreeNode } from './tree-node.js';

const MAX_DEPTH = 512;

export function parseJson(text: string): ParsedSopsFile {
  const parser = new JsonParser(text);
  const root = parser.document();
  if (root.kind !== 'map') throw new SopsFormatError('the json document is not an object');
  return splitMetadata(root);
}

class JsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): TreeNode {
    const value = this.value(0);
    this.ws();
    if (this.pos !== this.text.length) this.fail();
    return value;
  }

  private value(depth: number): TreeNode {
    if (depth > MAX_DEPTH) throw new SopsFormatError('the json document is nested too deeply');
    this.ws();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string() };
    for (const [word, node] of [
      ['true', { kind: 'bool', value: true }],
      ['false', { kind: 'bool', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return node;
      }
    }
    return this.number();
  }

  private object(depth: number): TreeNode {
    this.pos++; // {
    const entries: Array<readonly [string, TreeNode]> = [];
    const seen = new Set<string>();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'map', entries };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail();
      const key = this.string();
      if (seen.has(key)) throw new SopsFormatError(`duplicate json key \`${key}\``);
      seen.add(key);
      this.ws();
      this.expect(':');
      entries.push([key, this.value(depth + 1)]);
      this.ws();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return { kind: 'map', entries };
    }
  }

  private array(depth: number): TreeNode {
    this.pos++; // [
    const items: TreeNode[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'list', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.ws();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return { kind: 'list', items };
    }
  }

  private string(): string {
    // RFC 8259 string token; JSON.parse decodes its escapes exactly.
    const m = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    if (found === null) this.fail();
    this.pos = m.lastIndex;
    return JSON.parse(found[0]) as string;
  }

  private number(): TreeNode {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    if (found === null || found[0] === '') this.fail();
    this.pos = m.lastIndex;
    const literal = found[0];
    const int = found[1] === undefined && found[2] === undefined ? goParseInt(literal) : undefined;
    if (int !== undefined) return { kind: 'int', value: int };
    const float = goParseFloat(literal);
    if (float === undefined) throw new SopsFormatError(`a json number at offset ${found.index} is out of range`);
    return { kind: 'float', value: float };
  }

  private ws(): void {
    while (/[ \t\n\r]/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail();
    this.pos++;
  }

  private fail(): never {
    throw new SopsFormatError(`the file is not valid json (offset ${this.pos})`);
  }
}
