import { invalidRequest } from '../../errors.js';

/**
 * Statement templates (`{{name}}`, `{{username}}`, `{{password}}`, `{{expiration}}`) rendered
 * with quoting that no substituted value can break out of.
 *
 * Vault's docs have authors write `"{{name}}"` and `'{{password}}'`
 * (https://developer.hashicorp.com/vault/docs/secrets/databases/postgresql). Vault itself pastes
 * the raw value in; we instead scan the template, work out which quoting context each placeholder
 * sits in, and substitute the value escaped for exactly that context (the quote character
 * doubled, backslashes handled where the dialect reads them). A placeholder outside any quotes
 * becomes a complete quoted identifier or literal. Placeholders inside comments are left alone:
 * a value with a newline could otherwise end a `--` comment.
 *
 * Each entry of a statements list may hold several statements separated by `;` (Vault allows
 * it). The split happens on the template, before substitution, and only outside quotes, dollar
 * quotes and comments.
 *
 * INVARIANT: a substituted value never changes the lexical structure of the statement.
 */

/** The quoting context a placeholder was found in. */
export type QuoteContext =
  | { kind: 'bare' }
  | { kind: 'quoted'; quote: string; backslashEscapes: boolean };

export interface SqlLexicon {
  /** Quote characters that open a quoted token. */
  readonly quotes: readonly string[];
  /** Those that open string literals, which may hold SQL with its own quotes (`EXECUTE '…'`). */
  readonly literalQuotes: readonly string[];
  /** Whether a quote opened by `q` (after prefix `prefix`, e.g. `E`) reads backslash escapes. */
  backslashEscapes(q: string, prefix: string): boolean;
  /** PostgreSQL's `$tag$ … $tag$`. */
  readonly dollarQuotes: boolean;
  /** MySQL's `#` line comments. */
  readonly hashComments: boolean;
  /** The value escaped for `ctx`; for `bare`, a complete quoted token of the right kind. */
  escape(value: string, ctx: QuoteContext, kind: 'identifier' | 'literal'): string;
}

export type TemplateValues = Partial<Record<'name' | 'username' | 'password' | 'expiration', string>>;

const PLACEHOLDER = /^\{\{\s*(name|username|password|expiration)\s*\}\}/;
const IDENTIFIER_PLACEHOLDERS = new Set(['name', 'username']);

/** A quoted token; `nested` is a quote opened inside a string literal's text (dynamic SQL). */
type Quote = { t: 'quote'; q: string; bs: boolean; nested?: string };
type State = { t: 'normal' } | Quote | { t: 'line' } | { t: 'block' } | { t: 'dollar'; tag: string; inner: { t: 'normal' } | Quote };

/**
 * Renders every entry of `templates` and returns the individual statements, in order.
 * Throws 400 on an unterminated quote, so a broken template never reaches the database.
 */
export function renderStatements(templates: readonly string[], values: TemplateValues, lex: SqlLexicon): string[] {
  const out: string[] = [];
  for (const template of templates) out.push(...renderOne(template, values, lex));
  return out;
}

function renderOne(sql: string, values: TemplateValues, lex: SqlLexicon): string[] {
  const statements: string[] = [];
  let current = '';
  let state: State = { t: 'normal' };
  let i = 0;
  const flush = () => {
    const s = current.trim();
    if (s !== '') statements.push(s);
    current = '';
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i);
    // Placeholders, anywhere but in comments.
    if (c === '{' && state.t !== 'line' && state.t !== 'block') {
      const m = PLACEHOLDER.exec(rest);
      if (m && values[m[1] as keyof TemplateValues] !== undefined) {
        const key = m[1] as keyof TemplateValues;
        current += substitute(values[key]!, IDENTIFIER_PLACEHOLDERS.has(key) ? 'identifier' : 'literal', state, lex);
        i += m[0].length;
        continue;
      }
    }
    switch (state.t) {
      case 'normal': {
        if (c === ';') {
          flush();
          i++;
          continue;
        }
        if (rest.startsWith('--')) state = { t: 'line' };
        else if (lex.hashComments && c === '#') state = { t: 'line' };
        else if (rest.startsWith('/*')) {
          state = { t: 'block' };
          current += '/*';
          i += 2;
          continue;
        } else if (lex.quotes.includes(c)) {
          state = { t: 'quote', q: c, bs: lex.backslashEscapes(c, prefixOf(sql, i)) };
        } else if (lex.dollarQuotes && c === '$') {
          const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
          if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
            state = { t: 'dollar', tag: tag[0], inner: { t: 'normal' } };
            current += tag[0];
            i += tag[0].length;
            continue;
          }
        }
        current += c;
        i++;
        continue;
      }
      case 'quote': {
        if (state.bs && c === '\\') {
          current += sql.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (c === state.q) {
          if (sql[i + 1] === state.q) {
            current += c + c;
            i += 2;
            continue;
          }
          state = { t: 'normal' };
        } else state = trackNested(state, c, lex);
        current += c;
        i++;
        continue;
      }
      case 'line':
        if (c === '\n') state = { t: 'normal' };
        current += c;
        i++;
        continue;
      case 'block':
        if (rest.startsWith('*/')) {
          state = { t: 'normal' };
          current += '*/';
          i += 2;
          continue;
        }
        current += c;
        i++;
        continue;
      case 'dollar': {
        if (rest.startsWith(state.tag)) {
          current += state.tag;
          i += state.tag.length;
          state = { t: 'normal' };
          continue;
        }
        // Inside a function body the same quoting rules apply to what it will execute.
        const inner: { t: 'normal' } | Quote = state.inner;
        if (inner.t === 'normal' && (c === "'" || c === '"')) {
          state = { ...state, inner: { t: 'quote', q: c, bs: lex.backslashEscapes(c, prefixOf(sql, i)) } };
        } else if (inner.t === 'quote' && c === inner.q) {
          if (sql[i + 1] === inner.q) {
            current += c + c;
            i += 2;
            continue;
          }
          state = { ...state, inner: { t: 'normal' } };
        } else if (inner.t === 'quote') state = { ...state, inner: trackNested(inner, c, lex) };
        current += c;
        i++;
        continue;
      }
    }
  }
  if (state.t === 'quote' || state.t === 'dollar') throw invalidRequest('statement has an unterminated quoted string');
  if (state.t === 'block') throw invalidRequest('statement has an unterminated comment');
  flush();
  return statements;
}

function substitute(value: string, kind: 'identifier' | 'literal', state: State, lex: SqlLexicon): string {
  if (value.includes('\0')) throw invalidRequest('template values must not contain NUL characters');
  const quote = state.t === 'quote' ? state : state.t === 'dollar' && state.inner.t === 'quote' ? state.inner : undefined;
  let escaped: string;
  if (!quote) escaped = lex.escape(value, { kind: 'bare' }, kind);
  else {
    // Inside SQL held in a string literal, escape for the inner quote first, then for the literal.
    const nestedCtx: QuoteContext | undefined =
      quote.nested === undefined ? undefined : { kind: 'quoted', quote: quote.nested, backslashEscapes: lex.backslashEscapes(quote.nested, '') };
    const innerText: string = nestedCtx ? lex.escape(value, nestedCtx, kind) : value;
    escaped = lex.escape(innerText, { kind: 'quoted', quote: quote.q, backslashEscapes: quote.bs }, kind);
  }
  // A dollar-quoted body ends at its tag whatever the nesting: the value must not contain it.
  if (state.t === 'dollar' && escaped.includes(state.tag)) {
    throw invalidRequest('a template value contains the dollar-quote tag of its statement');
  }
  return escaped;
}

/** Inside a string literal, toggles the quote its text opens or closes (one level deep). */
function trackNested(state: Quote, c: string, lex: SqlLexicon): Quote {
  if (!lex.literalQuotes.includes(state.q) || !lex.quotes.includes(c) || c === state.q) return state;
  if (state.nested === undefined) return { ...state, nested: c };
  if (state.nested === c) {
    const { nested: _n, ...rest } = state;
    return rest;
  }
  return state;
}

/** The letters right before a quote (`E'…'`, `N'…'`), lowercased. */
function prefixOf(sql: string, quoteIndex: number): string {
  const m = /([A-Za-z]*)$/.exec(sql.slice(Math.max(0, quoteIndex - 2), quoteIndex));
  return (m?.[1] ?? '').toLowerCase();
}

/** Doubles every occurrence of `quote` in `value`. */
export const doubleQuote = (value: string, quote: string): string => value.split(quote).join(quote + quote);
