import { invalidRequest } from '../errors.js';
import { CEDAR_SCHEMA, CONTEXT_FIELDS, type ContextField } from './cedar-schema.js';
import { cedar, type DetailedError, type PolicyJson } from './cedar-wasm.js';

/** An entity uid as `Type::"id"` parts. */
export interface Uid {
  readonly type: string;
  readonly id: string;
}

/** A policy's principal or resource scope, as Cedar's JSON form states it. */
export type Scope =
  | { readonly op: 'all' }
  | { readonly op: 'eq'; readonly uid: Uid }
  | { readonly op: 'in'; readonly uid: Uid }
  | { readonly op: 'is'; readonly type: string; readonly in?: Uid };

/** One Cedar policy of a named document, with what slicing needs to know about it. */
export interface CompiledPolicy {
  /** `<document>` when the document holds one policy; else `<document>/<@id or index>`. */
  readonly id: string;
  readonly document: string;
  readonly text: string;
  readonly effect: 'permit' | 'forbid';
  readonly principal: Scope;
  /** Undefined: every action. */
  readonly actions: ReadonlySet<string> | undefined;
  readonly resource: Scope;
  /** The context attributes its conditions read. */
  readonly contextFields: ReadonlySet<ContextField>;
}

/** A named Cedar document, parsed and validated against the schema. */
export interface CompiledDocument {
  readonly name: string;
  readonly text: string;
  readonly policies: readonly CompiledPolicy[];
}

/**
 * Parses and validates a policy document. INVARIANT: only schema-valid documents come out, so
 * no policy can fail at evaluation on a missing attribute or a type error.
 * Throws a 400 quoting Cedar's message with line and column.
 */
export function compileDocument(name: string, text: string): CompiledDocument {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') throw cedarError(name, text, parts.errors);
  if (parts.policy_templates.length > 0) {
    throw invalidRequest(`policy \`${name}\`: templates (\`?principal\`, \`?resource\`) are not supported`);
  }
  const validation = cedar.validate({ schema: CEDAR_SCHEMA, policies: { staticPolicies: text }, validationSettings: { mode: 'strict' } });
  if (validation.type === 'failure') throw cedarError(name, text, validation.errors);
  if (validation.validationErrors.length > 0) {
    throw cedarError(name, text, validation.validationErrors.map((e) => e.error));
  }
  const seen = new Set<string>();
  const policies = parts.policies.map((policyText, index): CompiledPolicy => {
    const json = cedar.policyToJson(policyText);
    if (json.type === 'failure') throw cedarError(name, policyText, json.errors);
    const label = json.json.annotations?.['id'] ?? String(index);
    const id = parts.policies.length === 1 ? name : `${name}/${label}`;
    if (seen.has(id)) throw invalidRequest(`policy \`${name}\`: two policies share the id \`${label}\``);
    seen.add(id);
    return describe(id, name, policyText, json.json);
  });
  return { name, text, policies };
}

function describe(id: string, document: string, text: string, json: PolicyJson): CompiledPolicy {
  const fields = new Set<ContextField>();
  for (const clause of json.conditions) collectContext(clause.body, fields);
  return {
    id,
    document,
    text,
    effect: json.effect,
    principal: scope(json.principal),
    actions: actionScope(json.action),
    resource: scope(json.resource),
    contextFields: fields,
  };
}

const uid = (e: unknown): Uid => {
  const o = e as { type?: string; id?: string; __entity?: Uid };
  return o.__entity ? { type: o.__entity.type, id: o.__entity.id } : { type: o.type!, id: o.id! };
};

function scope(c: PolicyJson['principal']): Scope {
  switch (c.op) {
    case 'All':
      return { op: 'all' };
    case '==':
      return { op: 'eq', uid: uid((c as { entity: unknown }).entity) };
    case 'in':
      return { op: 'in', uid: uid((c as { entity: unknown }).entity) };
    case 'is':
      return { op: 'is', type: c.entity_type, ...(c.in && 'entity' in c.in && { in: uid(c.in.entity) }) };
  }
}

function actionScope(c: PolicyJson['action']): ReadonlySet<string> | undefined {
  if (c.op === 'All') return undefined;
  if (c.op === '==') return new Set(['entity' in c ? uid(c.entity).id : '']);
  const list = 'entities' in c ? c.entities : [c.entity];
  return new Set(list.map((e) => uid(e).id));
}

/** Which context attributes an expression reads; a bare `context` counts as all of them. */
function collectContext(expr: unknown, into: Set<ContextField>): void {
  if (expr === null || typeof expr !== 'object') return;
  if (Array.isArray(expr)) {
    for (const e of expr) collectContext(e, into);
    return;
  }
  const o = expr as Record<string, unknown>;
  if (o['Var'] === 'context') {
    for (const f of CONTEXT_FIELDS) into.add(f);
    return;
  }
  for (const op of ['.', 'has'] as const) {
    const access = o[op] as { left?: { Var?: string }; attr?: string | string[] } | undefined;
    if (access?.left?.Var === 'context') {
      const attr = Array.isArray(access.attr) ? access.attr[0] : access.attr;
      if (CONTEXT_FIELDS.includes(attr as ContextField)) into.add(attr as ContextField);
      return;
    }
  }
  for (const v of Object.values(o)) collectContext(v, into);
}

/** Cedar's message with the line and column of its first source location. */
function cedarError(name: string, text: string, errors: readonly DetailedError[]) {
  const first = errors[0];
  if (!first) return invalidRequest(`policy \`${name}\`: invalid cedar policy`);
  const loc = first.sourceLocations?.[0];
  let where = '';
  if (loc) {
    const { line, column } = lineColumn(text, loc.start);
    where = ` at line ${line}, column ${column}`;
  }
  const detail = [loc?.label, first.help].filter((s): s is string => !!s).join('; ');
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return invalidRequest(
    `policy \`${name}\`: ${first.message}${where}${detail ? `: ${detail}` : ''}${more}`.replace(/\s*\n\s*/g, ' '),
    { errors_detail: errors.map((e) => ({ message: e.message, ...locationOf(text, e) })) },
  );
}

function locationOf(text: string, e: DetailedError): { line?: number; column?: number } {
  const loc = e.sourceLocations?.[0];
  return loc ? lineColumn(text, loc.start) : {};
}

/** 1-based line and column (in characters) of a UTF-8 byte offset, as Cedar reports them. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = Buffer.from(text, 'utf8').subarray(0, offset).toString('utf8');
  const line = before.split('\n').length;
  return { line, column: [...before.slice(before.lastIndexOf('\n') + 1)].length + 1 };
}
