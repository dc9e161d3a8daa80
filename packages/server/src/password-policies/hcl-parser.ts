/**
 * A strict parser for the small part of HCL that password policies are written in
 * (https://developer.hashicorp.com/vault/docs/concepts/password-policies#password-policy-syntax):
 *
 * ```hcl
 * length = 20         # attributes: `name = "quoted string"` or `name = <decimal integer>`
 * rule "charset" {    // blocks: a type, quoted labels, then a body of attributes and blocks
 *   charset = "abc\"\\"
 *   min-chars = 1
 * }
 * ```
 *
 * Strings take the escapes `\"` `\\` `\n` `\r` `\t` `\uXXXX` `\UXXXXXXXX` and are otherwise literal
 * (`${` is two characters, as HCL 1 decodes it). Comments run from `#` or `//` to the end of
 * the line, or from `/*` to the next star-slash.
 *
 * There is no well-kept small HCL parser on npm, and this grammar is all a policy needs, so
 * everything else — lists, maps, floats, heredocs, expressions, commas — is refused with the
 * line and column where it starts, rather than half-understood.
 */

/** A place in the source, 1-based; columns count characters (code points), not UTF-16 units. */
export interface HclPosition {
  readonly line: number;
  readonly column: number;
}

export type HclValue = { readonly kind: 'string'; readonly value: string } | { readonly kind: 'number'; readonly value: number };

export interface HclAttribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: HclValue;
  /** Where the name starts. */
  readonly at: HclPosition;
  /** Where the value starts. */
  readonly valueAt: HclPosition;
}

export interface HclBlock {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: readonly HclItem[];
  readonly at: HclPosition;
}

export type HclItem = HclAttribute | HclBlock;

/** A syntax error; the message starts with `line L, column C:`. */
export class HclSyntaxError extends Error {
  constructor(
    readonly at: HclPosition,
    detail: string,
  ) {
    super(`line ${at.line}, column ${at.column}: ${detail}`);
    this.name = 'HclSyntaxError';
  }
}

type Token =
  | { readonly t: 'ident'; readonly text: string; readonly at: HclPosition }
  | { readonly t: 'string'; readonly text: string; readonly at: HclPosition }
  | { readonly t: 'number'; readonly value: number; readonly at: HclPosition }
  | { readonly t: '=' | '{' | '}' | 'eof'; readonly at: HclPosition };

/** Policies need one level of blocks; the bound keeps a hostile document off the stack. */
const MAX_DEPTH = 8;

/** Parses `source` into its top-level attributes and blocks, in source order. */
export function parseHcl(source: string): HclItem[] {
  const lexer = new Lexer(source);
  const items = parseBody(lexer, 0);
  const end = lexer.next();
  if (end.t !== 'eof') throw new HclSyntaxError(end.at, `unexpected ${describe(end)}`);
  return items;
}

/** Items up to (not including) a `}` or the end of input. */
function parseBody(lexer: Lexer, depth: number): HclItem[] {
  const items: HclItem[] = [];
  for (;;) {
    const head = lexer.peek();
    if (head.t === '}' || head.t === 'eof') return items;
    lexer.next();
    if (head.t !== 'ident') throw new HclSyntaxError(head.at, `expected an attribute name or a block type, found ${describe(head)}`);
    const after = lexer.peek();
    if (after.t === '=') {
      lexer.next();
      const value = lexer.next();
      if (value.t === 'string') items.push({ kind: 'attribute', name: head.text, value: { kind: 'string', value: value.text }, at: head.at, valueAt: value.at });
      else if (value.t === 'number') items.push({ kind: 'attribute', name: head.text, value: { kind: 'number', value: value.value }, at: head.at, valueAt: value.at });
      else throw new HclSyntaxError(value.at, `expected a quoted string or an integer after \`${head.text} =\`, found ${describe(value)}`);
      continue;
    }
    if (after.t !== 'string' && after.t !== '{') {
      throw new HclSyntaxError(after.at, `expected \`=\` or a block after \`${head.text}\`, found ${describe(after)}`);
    }
    const labels: string[] = [];
    while (lexer.peek().t === 'string') labels.push((lexer.next() as { text: string }).text);
    const open = lexer.next();
    if (open.t !== '{') throw new HclSyntaxError(open.at, `expected \`{\` to open the \`${head.text}\` block, found ${describe(open)}`);
    if (depth + 1 > MAX_DEPTH) throw new HclSyntaxError(open.at, 'blocks are nested too deeply');
    const body = parseBody(lexer, depth + 1);
    const close = lexer.next();
    if (close.t !== '}') throw new HclSyntaxError(open.at, `the \`${head.text}\` block opened here is not closed`);
    items.push({ kind: 'block', type: head.text, labels, body, at: head.at });
  }
}

function describe(token: Token): string {
  switch (token.t) {
    case 'eof':
      return 'the end of the policy';
    case 'ident':
      return `\`${token.text}\``;
    case 'string':
      return 'a quoted string';
    case 'number':
      return `the number ${token.value}`;
    default:
      return `\`${token.t}\``;
  }
}

const isIdentStart = (c: string) => /^[A-Za-z_]$/.test(c);
const isIdentPart = (c: string) => /^[A-Za-z0-9_-]$/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Tokens on demand, with one token of lookahead; tracks line and column as it goes. */
class Lexer {
  private pos = 0;
  private line = 1;
  private column = 1;
  private peeked: Token | undefined;

  constructor(private readonly src: string) {}

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  private here(): HclPosition {
    return { line: this.line, column: this.column };
  }

  /** The character (code point) at the cursor, or '' at the end. */
  private char(offset = 0): string {
    let i = this.pos;
    for (let k = 0; k < offset && i < this.src.length; k++) i += this.src.codePointAt(i)! > 0xffff ? 2 : 1;
    if (i >= this.src.length) return '';
    return String.fromCodePoint(this.src.codePointAt(i)!);
  }

  private advance(): string {
    const c = this.char();
    this.pos += c.length;
    if (c === '\n') {
      this.line += 1;
      this.column = 1;
    } else {
      this.column += 1;
    }
    return c;
  }

  private scan(): Token {
    this.skipSpaceAndComments();
    const at = this.here();
    const c = this.char();
    if (c === '') return { t: 'eof', at };
    if (c === '=' || c === '{' || c === '}') {
      this.advance();
      return { t: c, at };
    }
    if (c === '"') return { t: 'string', text: this.string(at), at };
    if (isDigit(c) || (c === '-' && isDigit(this.char(1)))) return { t: 'number', value: this.number(at), at };
    if (isIdentStart(c)) {
      let text = '';
      while (isIdentPart(this.char())) text += this.advance();
      return { t: 'ident', text, at };
    }
    throw new HclSyntaxError(at, `unexpected character ${showChar(c)}`);
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const c = this.char();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        this.advance();
      } else if (c === '#' || (c === '/' && this.char(1) === '/')) {
        while (this.char() !== '' && this.char() !== '\n') this.advance();
      } else if (c === '/' && this.char(1) === '*') {
        const at = this.here();
        this.advance();
        this.advance();
        while (!(this.char() === '*' && this.char(1) === '/')) {
          if (this.char() === '') throw new HclSyntaxError(at, 'unterminated `/*` comment');
          this.advance();
        }
        this.advance();
        this.advance();
      } else {
        return;
      }
    }
  }

  /** A decimal integer: floats, exponents and hex are not part of the grammar. */
  private number(at: HclPosition): number {
    let text = this.char() === '-' ? this.advance() : '';
    while (isDigit(this.char())) text += this.advance();
    const next = this.char();
    if (next === '.' || isIdentPart(next)) throw new HclSyntaxError(at, 'expected an integer (no fractions, exponents or hex)');
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new HclSyntaxError(at, 'integer out of range');
    return value;
  }

  private string(at: HclPosition): string {
    this.advance(); // the opening quote
    let out = '';
    for (;;) {
      const c = this.char();
      if (c === '' || c === '\n') throw new HclSyntaxError(at, 'unterminated string');
      if (c === '"') {
        this.advance();
        return out;
      }
      if (c === '\\') {
        out += this.escape();
        continue;
      }
      out += this.advance();
    }
  }

  private escape(): string {
    const at = this.here();
    this.advance(); // the backslash
    const c = this.advance();
    const simple: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' };
    if (c in simple) return simple[c]!;
    if (c === 'u' || c === 'U') {
      const digits = c === 'u' ? 4 : 8;
      let hex = '';
      for (let i = 0; i < digits; i++) {
        if (!/^[0-9A-Fa-f]$/.test(this.char())) throw new HclSyntaxError(at, `\`\\${c}\` takes ${digits} hex digits`);
        hex += this.advance();
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new HclSyntaxError(at, `\`\\${c}${hex}\` is not a Unicode character`);
      return String.fromCodePoint(cp);
    }
    throw new HclSyntaxError(at, c === '' ? 'unterminated string' : `unknown escape ${showChar(`\\${c}`)}`);
  }
}

/** A character for an error message: printable ones quoted, others as U+XXXX. */
function showChar(c: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}\\]+$/u.test(c) ? `\`${c}\`` : [...c].map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}
