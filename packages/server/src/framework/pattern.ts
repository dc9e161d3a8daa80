/**
 * Path templates: `creds/:name` captures one segment, `data/:path+` one or more, `metadata/:path*`
 * zero or more. A rest capture may be followed by literal segments (`mounts/:path+/tune`).
 * Literal segments match exactly. No regexes in declarations.
 */
export interface CompiledPattern {
  readonly template: string;
  readonly segments: readonly Segment[];
  /** Literal characters: when several templates match, the most literal one wins. */
  readonly specificity: number;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'one'; name: string }
  | { kind: 'rest'; name: string; allowEmpty: boolean };

export function compilePattern(template: string): CompiledPattern {
  const segments: Segment[] = [];
  let specificity = 0;
  let sawRest = false;
  for (const part of template === '' ? [] : template.split('/')) {
    if (part.startsWith(':')) {
      if (sawRest) throw new Error(`only literals may follow a rest capture in \`${template}\``);
      const last = part.at(-1);
      if (last === '+' || last === '*') {
        sawRest = true;
        segments.push({ kind: 'rest', name: part.slice(1, -1), allowEmpty: last === '*' });
      } else {
        segments.push({ kind: 'one', name: part.slice(1) });
      }
    } else {
      segments.push({ kind: 'literal', value: part });
      specificity += part.length + 1;
    }
  }
  return { template, segments, specificity };
}

/**
 * Matches a path (no leading slash) and returns the captures, or undefined. A trailing slash
 * is kept on a final rest capture, so `metadata/a/` lists the folder `a/`.
 */
export function matchPattern(pattern: CompiledPattern, path: string): Record<string, string> | undefined {
  const trailingSlash = path.endsWith('/');
  const trimmed = trailingSlash ? path.slice(0, -1) : path;
  const parts = trimmed === '' ? [] : trimmed.split('/');
  const segs = pattern.segments;
  const captures: Record<string, string> = {};
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.kind === 'rest') {
      const suffix = segs.length - i - 1; // literal segments after the rest capture
      const rest = parts.slice(i, parts.length - suffix);
      if (rest.length === 0 && !seg.allowEmpty) return undefined;
      for (let j = 0; j < suffix; j++) {
        const lit = segs[i + 1 + j] as { kind: 'literal'; value: string };
        if (parts[parts.length - suffix + j] !== lit.value) return undefined;
      }
      if (parts.length - suffix < i) return undefined;
      captures[seg.name] = rest.join('/') + (suffix === 0 && rest.length > 0 && trailingSlash ? '/' : '');
      return captures;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.kind === 'literal') {
      if (part !== seg.value) return undefined;
    } else {
      captures[seg.name] = part;
    }
  }
  return parts.length === segs.length ? captures : undefined;
}
