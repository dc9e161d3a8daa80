/**
 * Path templates: `creds/:name` captures one segment, `data/:path+` one or more, `metadata/:path*`
 * zero or more (the rest of the path). Literal segments match exactly. No regexes in declarations.
 */
export interface CompiledPattern {
  readonly template: string;
  readonly segments: readonly Segment[];
  /** Literal characters: longer literal prefixes win when several templates match. */
  readonly specificity: number;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'one'; name: string }
  | { kind: 'rest'; name: string; allowEmpty: boolean };

export function compilePattern(template: string): CompiledPattern {
  const segments: Segment[] = [];
  let specificity = 0;
  const parts = template === '' ? [] : template.split('/');
  parts.forEach((part, i) => {
    if (part.startsWith(':')) {
      const last = part.at(-1);
      if (last === '+' || last === '*') {
        if (i !== parts.length - 1) throw new Error(`rest capture must be last in \`${template}\``);
        segments.push({ kind: 'rest', name: part.slice(1, -1), allowEmpty: last === '*' });
      } else {
        segments.push({ kind: 'one', name: part.slice(1) });
      }
    } else {
      segments.push({ kind: 'literal', value: part });
      specificity += part.length + 1;
    }
  });
  return { template, segments, specificity };
}

/**
 * Matches a path (no leading slash; a trailing slash is allowed and ignored for captures) and
 * returns the captures, or undefined.
 */
export function matchPattern(pattern: CompiledPattern, path: string): Record<string, string> | undefined {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const parts = trimmed === '' ? [] : trimmed.split('/');
  const captures: Record<string, string> = {};
  const segs = pattern.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.kind === 'rest') {
      const rest = parts.slice(i);
      if (rest.length === 0 && !seg.allowEmpty) return undefined;
      // Keep a trailing slash on rest captures: `metadata/a/` lists folder `a/`.
      captures[seg.name] = rest.join('/') + (rest.length > 0 && path.endsWith('/') ? '/' : '');
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
