import { isPlainObject } from '../../framework/fields.js';
import { globMatch } from '../glob.js';

/**
 * Reading claims as Vault's JWT plugin does: a claim name, or a JSON pointer (RFC 6901) when it
 * starts with `/`; scalar-or-list normalisation; `bound_claims` matching (exact or glob).
 */
export type Scalar = string | number | boolean;

export function getClaim(claims: Record<string, unknown>, name: string): unknown {
  if (!name.startsWith('/')) return Object.hasOwn(claims, name) ? claims[name] : undefined;
  let at: unknown = claims;
  for (const raw of name.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(at) && /^\d+$/.test(token)) at = at[Number(token)];
    else if (isPlainObject(at) && Object.hasOwn(at, token)) at = at[token];
    else return undefined;
  }
  return at;
}

/** A scalar becomes a list of one; a list must hold scalars; anything else is undefined. */
export function normaliseList(value: unknown): Scalar[] | undefined {
  const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (isScalar(value)) return [value];
  if (Array.isArray(value) && value.every(isScalar)) return value;
  return undefined;
}

const same = (a: Scalar, b: Scalar) =>
  typeof a === 'number' && typeof b === 'number' ? Math.trunc(a) === Math.trunc(b) : typeof a === typeof b && a === b;

/** Undefined when every bound claim matches; otherwise Vault's reason. */
export function boundClaimsError(bound: Record<string, unknown>, useGlobs: boolean, claims: Record<string, unknown>): string | undefined {
  for (const [name, expected] of Object.entries(bound)) {
    const actual = getClaim(claims, name);
    if (actual === undefined || actual === null) return `claim "${name}" is missing`;
    const actuals = normaliseList(actual);
    if (!actuals) return `received claim is not a string, bool, int or list`;
    const expecteds = normaliseList(expected) ?? [];
    const found = expecteds.some((e) =>
      actuals.some((a) => (useGlobs ? typeof e === 'string' && typeof a === 'string' && globMatch(e, a) : same(e, a))),
    );
    if (!found) return `claim "${name}" does not match any associated bound claim values`;
  }
  return undefined;
}

/** `claim_mappings` → metadata; a mapped claim that is present must be a string. */
export function mappedMetadata(mappings: Record<string, string>, claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [source, target] of Object.entries(mappings)) {
    const value = getClaim(claims, source);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new Error(`error converting claim '${source}' to string`);
    out[target] = value;
  }
  return out;
}

/** The non-empty group names of the groups claim. */
export function groupNames(claim: string, claims: Record<string, unknown>): string[] {
  const raw = getClaim(claims, claim);
  if (raw === undefined || raw === null) throw new Error(`"${claim}" claim not found in token`);
  const list = normaliseList(raw);
  if (!list) throw new Error(`"${claim}" claim could not be converted to string list`);
  const out: string[] = [];
  for (const g of list) {
    if (typeof g !== 'string') throw new Error(`value ${JSON.stringify(g)} in groups claim could not be parsed as string`);
    if (g !== '') out.push(g);
  }
  return out;
}
