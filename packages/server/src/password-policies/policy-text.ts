import { invalidRequest, type VaultError } from '../errors.js';
import { HclSyntaxError, parseHcl, type HclItem, type HclPosition } from './hcl-parser.js';
import { MAX_ALPHABET, MAX_LENGTH, MIN_LENGTH, type CharsetRule, type PasswordPolicy } from './password-policy.js';

/** Characters (UTF-16 units) in a policy document, after base64 decoding. */
const MAX_DOCUMENT = 65_536;

/**
 * Password policy documents, in HCL or JSON, as Vault reads them
 * (https://developer.hashicorp.com/vault/docs/concepts/password-policies#password-policy-syntax):
 *
 * ```hcl
 * length = 20
 * rule "charset" {
 *   charset = "abcdefghijklmnopqrstuvwxyz"
 *   min-chars = 1
 * }
 * ```
 *
 * or `{"length": 20, "rule": [{"charset": [{"charset": "abc…", "min-chars": 1}]}]}` (the JSON
 * Vault itself writes; a single object may stand for any of those lists).
 *
 * Stricter than Vault on purpose: a key Vault would silently ignore (a misspelt `min_chars`, say)
 * would leave a policy weaker than its author meant, so unknown keys are refused, with their line
 * and column in HCL and their path in JSON. Every error is a 400 starting `invalid password
 * policy:`; policy text is not secret, and no message quotes more of it than a key name.
 */
export function parsePolicyText(text: string): PasswordPolicy {
  // Real policies are a few hundred bytes; the request limit (32 MiB) would let one document
  // hold the event loop for seconds, on every write and every generation.
  if (text.length > MAX_DOCUMENT) throw invalid(`the document is longer than ${MAX_DOCUMENT} characters`);
  const draft = text.trimStart().startsWith('{') ? draftFromJson(text) : draftFromHcl(text);
  return validate(draft);
}

/**
 * Vault takes the document base64-encoded too, "to avoid string escaping" (api-docs/system/
 * policies-password): text that is entirely valid padded base64 is decoded, anything else is
 * taken as written. HCL and JSON policies always hold characters base64 cannot (spaces, `=`
 * inside, quotes, braces), so the two never collide.
 */
export function decodePolicyText(raw: string): string {
  const compact = raw.replace(/[\r\n]/g, '');
  if (compact === '' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return raw;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    throw invalid('the base64 text does not decode to UTF-8');
  }
}

/** A value with where it was written: `line 3, column 13` in HCL, `` `rule[0].charset` `` in JSON. */
interface Located {
  readonly value: unknown;
  readonly at: string;
}

interface DraftRule {
  readonly type: string;
  readonly at: string;
  readonly charset?: Located;
  readonly minChars?: Located;
}

interface DraftPolicy {
  readonly length?: Located;
  readonly rules: readonly DraftRule[];
}

const invalid = (detail: string): VaultError => invalidRequest(`invalid password policy: ${detail}`);
const where = (p: HclPosition) => `line ${p.line}, column ${p.column}`;

/** The only rule type Vault defines. */
const RULE_TYPES = ['charset'] as const;
const RULE_KEYS = { charset: 'charset', 'min-chars': 'minChars' } as const;

function draftFromHcl(text: string): DraftPolicy {
  let items: HclItem[];
  try {
    items = parseHcl(text);
  } catch (err) {
    if (err instanceof HclSyntaxError) throw invalid(err.message);
    throw err;
  }
  let length: Located | undefined;
  const rules: DraftRule[] = [];
  for (const item of items) {
    if (item.kind === 'attribute') {
      if (item.name !== 'length') throw invalid(`${where(item.at)}: unknown attribute \`${item.name}\`: a policy has \`length\` and \`rule\` blocks`);
      if (length) throw invalid(`${where(item.at)}: \`length\` is set twice`);
      length = { value: item.value.value, at: where(item.valueAt) };
      continue;
    }
    if (item.type !== 'rule') throw invalid(`${where(item.at)}: unknown block \`${item.type}\`: a policy has \`length\` and \`rule\` blocks`);
    if (item.labels.length !== 1) throw invalid(`${where(item.at)}: a rule block takes one label, its type, as in \`rule "charset" { … }\``);
    const type = ruleType(item.labels[0]!, where(item.at));
    const fields: Record<string, Located> = {};
    for (const inner of item.body) {
      if (inner.kind === 'block') throw invalid(`${where(inner.at)}: unexpected block \`${inner.type}\` inside a \`${type}\` rule`);
      const key = ruleKey(inner.name, type, where(inner.at));
      if (fields[key]) throw invalid(`${where(inner.at)}: \`${inner.name}\` is set twice`);
      fields[key] = { value: inner.value.value, at: where(inner.valueAt) };
    }
    rules.push({ type, at: where(item.at), ...fields });
  }
  return { ...(length && { length }), rules };
}

function draftFromJson(text: string): DraftPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(`not valid JSON: ${jsonSyntaxDetail(text, (err as Error).message)}`);
  }
  if (!isObject(doc)) throw invalid('a JSON policy must be an object');
  let length: Located | undefined;
  const rules: DraftRule[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'length') length = { value, at: '`length`' };
    else if (key === 'rule') {
      asList(value, '`rule`').forEach((entry, i) => {
        const at = `\`rule[${i}]\``;
        if (!isObject(entry) || Object.keys(entry).length === 0) throw invalid(`${at} must be an object such as \`{"charset": {…}}\``);
        for (const [name, bodies] of Object.entries(entry)) {
          const type = ruleType(name, at);
          asList(bodies, `\`rule[${i}].${name}\``).forEach((body, j) => {
            const bodyAt = `\`rule[${i}].${name}[${j}]\``;
            if (!isObject(body)) throw invalid(`${bodyAt} must be an object`);
            const fields: Record<string, Located> = {};
            for (const [field, v] of Object.entries(body)) fields[ruleKey(field, type, bodyAt)] = { value: v, at: `\`rule[${i}].${name}[${j}].${field}\`` };
            rules.push({ type, at: bodyAt, ...fields });
          });
        }
      });
    } else throw invalid(`unknown key \`${key}\`: a policy has \`length\` and \`rule\``);
  }
  return { ...(length && { length }), rules };
}

function validate(draft: DraftPolicy): PasswordPolicy {
  if (!draft.length) throw invalid('`length` is required');
  const length = draft.length.value;
  if (!Number.isSafeInteger(length)) throw invalid(`\`length\` must be an integer (${draft.length.at})`);
  if ((length as number) < MIN_LENGTH || (length as number) > MAX_LENGTH) {
    throw invalid(`passwords must be between ${MIN_LENGTH} and ${MAX_LENGTH} characters, \`length\` is ${length as number} (${draft.length.at})`);
  }
  if (draft.rules.length === 0) throw invalid('at least one `rule "charset"` is required: passwords are drawn from the rules\' charsets');
  const rules = draft.rules.map(validateRule);
  const alphabet = new Set(rules.flatMap((r) => [...r.charset]));
  if (alphabet.size > MAX_ALPHABET) throw invalid(`the charsets hold ${alphabet.size} distinct characters together; at most ${MAX_ALPHABET} are allowed`);
  const needed = rules.reduce((sum, r) => sum + r.minChars, 0);
  if (needed > (length as number)) throw invalid(`the rules require at least ${needed} characters but \`length\` is ${length as number}`);
  return { length: length as number, rules };
}

function validateRule(rule: DraftRule): CharsetRule {
  const { charset, minChars } = rule;
  if (!charset) throw invalid(`\`charset\` is required in the rule at ${rule.at}`);
  if (typeof charset.value !== 'string') throw invalid(`\`charset\` must be a string (${charset.at})`);
  if (charset.value === '') throw invalid(`\`charset\` must not be empty (${charset.at})`);
  // Vault's rule: every character printable (Go's unicode.IsPrint: no controls, no spaces but ' ').
  if (/(?! )[\p{C}\p{Z}]/u.test(charset.value)) throw invalid(`\`charset\` holds a character that is not printable (${charset.at})`);
  const min = minChars?.value ?? 0;
  if (!Number.isSafeInteger(min) || (min as number) < 0) throw invalid(`\`min-chars\` must be an integer of 0 or more (${minChars!.at})`);
  return { charset: charset.value, minChars: min as number };
}

function ruleType(name: string, at: string): (typeof RULE_TYPES)[number] {
  if ((RULE_TYPES as readonly string[]).includes(name)) return name as (typeof RULE_TYPES)[number];
  throw invalid(`${at}: unknown rule type \`${name}\`: the rule type is \`charset\``);
}

function ruleKey(name: string, type: string, at: string): 'charset' | 'minChars' {
  if (Object.hasOwn(RULE_KEYS, name)) return RULE_KEYS[name as keyof typeof RULE_KEYS];
  throw invalid(`${at}: unknown attribute \`${name}\` in a \`${type}\` rule: it takes \`charset\` and \`min-chars\``);
}

/** Vault's HCL-in-JSON lets one object stand for a list of one. */
function asList(value: unknown, at: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return [value];
  throw invalid(`${at} must be a list of objects or an object`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * V8's JSON message with its offset as line and column, and without the excerpt of the input
 * it sometimes appends.
 */
function jsonSyntaxDetail(text: string, message: string): string {
  const detail = message.replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '');
  const m = / in JSON at position (\d+)/.exec(detail);
  const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
  if (!m) return lower(detail);
  const before = [...text.slice(0, Number(m[1]))];
  const line = before.filter((c) => c === '\n').length + 1;
  const column = before.length - (before.lastIndexOf('\n') + 1) + 1;
  return `${lower(detail.slice(0, m.index))} (line ${line}, column ${column})`;
}
