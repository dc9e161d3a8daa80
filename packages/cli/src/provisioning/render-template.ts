/**
 * The references `secrets render` replaces:
 * - in Nickel files (`.ncl`), `secrets.get "PATH"` → the value as a Nickel string literal;
 * - in any file, `{{ secret "PATH" }}` or `{{ secret "PATH" "KEY" }}` → the raw value (of field
 *   KEY, default the platform's `value`).
 */
const NICKEL_REF = /\bsecrets\.get\s+"((?:[^"\\]|\\.)*)"/g;
const TEMPLATE_REF = /\{\{-?\s*secret\s+"((?:[^"\\]|\\.)*)"(?:\s+"((?:[^"\\]|\\.)*)")?\s*-?\}\}/g;

export interface SecretReference {
  path: string;
  /** Field of the secret's data; undefined = the platform value. */
  key: string | undefined;
}

/** Resolves one secret's data; rejects when it cannot. */
export type SecretLookup = (path: string) => Promise<Record<string, unknown>>;

export class UnresolvedReferencesError extends Error {
  constructor(readonly references: string[]) {
    super(`cannot resolve ${references.length} reference${references.length === 1 ? '' : 's'}: ${references.join(', ')}`);
    this.name = 'UnresolvedReferencesError';
  }
}

export function isNickel(fileName: string): boolean {
  return /\.ncl$/i.test(fileName);
}

function unquote(text: string): string {
  return JSON.parse(`"${text}"`) as string;
}

/**
 * Replaces every reference; all-or-nothing: when any reference cannot be resolved, rejects with
 * {@link UnresolvedReferencesError} naming every unresolved one (paths and keys, never values).
 */
export async function renderTemplate(text: string, nickel: boolean, lookup: SecretLookup): Promise<string> {
  const refs: SecretReference[] = [];
  if (nickel) for (const m of text.matchAll(NICKEL_REF)) refs.push({ path: unquote(m[1]!), key: undefined });
  for (const m of text.matchAll(TEMPLATE_REF)) refs.push({ path: unquote(m[1]!), key: m[2] === undefined ? undefined : unquote(m[2]) });

  const data = new Map<string, Record<string, unknown> | Error>();
  await Promise.all(
    [...new Set(refs.map((r) => r.path))].map(async (path) => {
      data.set(path, await lookup(path).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    }),
  );
  const unresolved = new Set<string>();
  const valueOf = (ref: SecretReference): string | undefined => {
    const d = data.get(ref.path);
    const v = d instanceof Error || d === undefined ? undefined : pick(d, ref.key);
    if (v === undefined) unresolved.add(ref.key === undefined ? `\`${ref.path}\`` : `\`${ref.path}\` key \`${ref.key}\``);
    return v;
  };
  refs.forEach(valueOf);
  if (unresolved.size > 0) throw new UnresolvedReferencesError([...unresolved]);

  let out = text;
  if (nickel) out = out.replace(NICKEL_REF, (_m, p: string) => nickelString(valueOf({ path: unquote(p), key: undefined })!));
  return out.replace(TEMPLATE_REF, (_m, p: string, k: string | undefined) => valueOf({ path: unquote(p), key: k === undefined ? undefined : unquote(k) })!);
}

/** The platform value (`value`, or the data as JSON), or field `key` (objects as JSON). */
function pick(data: Record<string, unknown>, key: string | undefined): string | undefined {
  if (key === undefined) {
    const keys = Object.keys(data);
    if (keys.length === 1 && keys[0] === 'value') return text(data['value']);
    return JSON.stringify(data);
  }
  return key in data ? text(data[key]) : undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A Nickel string literal: JSON escapes, plus `%{` escaped so a value never interpolates. */
function nickelString(value: string): string {
  return JSON.stringify(value).replace(/%\{/g, '\\%{');
}
