import { createHash, randomInt, randomUUID } from 'node:crypto';
import { invalidRequest } from '../../errors.js';

/**
 * The subset of Vault's username template language (Go `text/template` plus Vault's helpers,
 * https://developer.hashicorp.com/vault/docs/concepts/username-templating) that database
 * plugins use: fields `.RoleName` and `.DisplayName`; functions `printf`, `random`, `truncate`,
 * `truncate_sha256`, `uppercase`, `lowercase`, `replace`, `sha256`, `base64`, `uuid`,
 * `unix_time`, `unix_time_millis`; pipelines (`a | f 8`), parentheses, `{{-`/`-}}` trimming.
 *
 * Templates are parsed once when a config is written (so a bad one is a 400 then) and rendered
 * per credential.
 */
export interface UsernameData {
  RoleName: string;
  DisplayName: string;
}

type Node =
  | { k: 'field'; name: string }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'call'; fn: string; args: Node[] };

type Part = string | Node;

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const FUNCTIONS: Record<string, (args: unknown[], now: number) => unknown> = {
  printf: ([format, ...rest]) => sprintf(String(format), rest),
  random: ([n]) => Array.from({ length: int(n) }, () => ALNUM[randomInt(ALNUM.length)]).join(''),
  truncate: ([n, s]) => String(s).slice(0, int(n)),
  truncate_sha256: ([n, s]) => {
    const str = String(s);
    const max = int(n);
    if (str.length <= max) return str;
    const keep = Math.max(0, max - 8);
    return str.slice(0, keep) + createHash('sha256').update(str.slice(keep)).digest('hex').slice(0, max - keep);
  },
  uppercase: ([s]) => String(s).toUpperCase(),
  lowercase: ([s]) => String(s).toLowerCase(),
  replace: ([from, to, s]) => String(s).split(String(from)).join(String(to)),
  sha256: ([s]) => createHash('sha256').update(String(s)).digest('hex'),
  base64: ([s]) => Buffer.from(String(s)).toString('base64'),
  uuid: () => randomUUID(),
  unix_time: (_a, now) => Math.floor(now / 1000),
  unix_time_millis: (_a, now) => now,
};

export class UsernameTemplate {
  private constructor(private readonly parts: readonly Part[]) {}

  /** Parses `source`; throws 400 naming the problem. */
  static parse(source: string): UsernameTemplate {
    const parts: Part[] = [];
    let i = 0;
    while (i < source.length) {
      const open = source.indexOf('{{', i);
      if (open < 0) {
        parts.push(source.slice(i));
        break;
      }
      let text = source.slice(i, open);
      let start = open + 2;
      if (source[start] === '-') {
        text = text.trimEnd();
        start++;
      }
      if (text) parts.push(text);
      const close = source.indexOf('}}', start);
      if (close < 0) throw invalidRequest('unable to parse `username_template`: unclosed action');
      let inner = source.slice(start, close);
      let next = close + 2;
      if (inner.endsWith('-')) {
        inner = inner.slice(0, -1);
        while (next < source.length && /\s/.test(source[next]!)) next++;
      }
      parts.push(new Parser(tokenize(inner)).pipelineToEnd());
      i = next;
    }
    return new UsernameTemplate(parts);
  }

  render(data: UsernameData, nowMs: number): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : String(evaluate(p, data, nowMs)))).join('');
  }
}

function evaluate(node: Node, data: UsernameData, now: number): unknown {
  switch (node.k) {
    case 'field': {
      if (!(node.name in data)) throw invalidRequest(`\`username_template\` uses unknown field \`.${node.name}\``);
      return data[node.name as keyof UsernameData];
    }
    case 'str':
    case 'num':
      return node.v;
    case 'call':
      return FUNCTIONS[node.fn]!(node.args.map((a) => evaluate(a, data, now)), now);
  }
}

type Token = { t: 'field' | 'ident' | 'str' | 'num' | '(' | ')' | '|'; v: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\.[A-Za-z_]\w*)|([A-Za-z_]\w*)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(-?\d+)|([()|]))/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    m = re.exec(src);
    if (!m) throw invalidRequest('unable to parse `username_template`: unexpected input');
    pos = re.lastIndex;
    if (m[1]) tokens.push({ t: 'field', v: m[1].slice(1) });
    else if (m[2]) tokens.push({ t: 'ident', v: m[2] });
    else if (m[3] !== undefined) tokens.push({ t: 'str', v: JSON.parse(`"${m[3]}"`) as string });
    else if (m[4] !== undefined) tokens.push({ t: 'str', v: m[4] });
    else if (m[5]) tokens.push({ t: 'num', v: m[5] });
    else tokens.push({ t: m[6] as '(' | ')' | '|', v: m[6]! });
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  pipelineToEnd(): Node {
    const node = this.pipeline();
    if (this.i !== this.tokens.length) throw invalidRequest('unable to parse `username_template`: unexpected token');
    return node;
  }

  private pipeline(): Node {
    let node = this.command();
    while (this.tokens[this.i]?.t === '|') {
      this.i++;
      const next = this.command();
      if (next.k !== 'call') throw invalidRequest('unable to parse `username_template`: a pipe must lead to a function');
      node = { ...next, args: [...next.args, node] };
    }
    return node;
  }

  private command(): Node {
    const head = this.tokens[this.i];
    if (head?.t === 'ident') {
      this.i++;
      if (!(head.v in FUNCTIONS)) throw invalidRequest(`\`username_template\` uses unknown function \`${head.v}\``);
      const args: Node[] = [];
      for (let t = this.tokens[this.i]; t && t.t !== '|' && t.t !== ')'; t = this.tokens[this.i]) args.push(this.operand());
      return { k: 'call', fn: head.v, args };
    }
    return this.operand();
  }

  private operand(): Node {
    const t = this.tokens[this.i++];
    if (!t) throw invalidRequest('unable to parse `username_template`: unexpected end');
    switch (t.t) {
      case 'field':
        return { k: 'field', name: t.v };
      case 'str':
        return { k: 'str', v: t.v };
      case 'num':
        return { k: 'num', v: Number(t.v) };
      case 'ident':
        if (!(t.v in FUNCTIONS)) throw invalidRequest(`\`username_template\` uses unknown function \`${t.v}\``);
        return { k: 'call', fn: t.v, args: [] };
      case '(': {
        const inner = this.pipeline();
        if (this.tokens[this.i++]?.t !== ')') throw invalidRequest('unable to parse `username_template`: missing `)`');
        return inner;
      }
      default:
        throw invalidRequest('unable to parse `username_template`: unexpected token');
    }
  }
}

function int(v: unknown): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidRequest('`username_template` expects a non-negative integer');
  return n;
}

/** Go's `fmt.Sprintf` for the verbs templates use: `%s`, `%d`, `%v`, `%%`. */
function sprintf(format: string, args: unknown[]): string {
  let n = 0;
  return format.replace(/%([sdv%])/g, (_m, verb: string) => (verb === '%' ? '%' : String(args[n++] ?? '')));
}
