import type { Fields } from './fields.js';
import type { PathSpec } from './engine.js';

/**
 * `?help=1` output (spec §1.1): markdown help and an OpenAPI 3 fragment, both generated from the
 * path declaration, so they cannot drift from what the router actually does.
 */
export function pathHelp(mountPath: string, spec: PathSpec<Fields>): { help: string; openapi: unknown } {
  const templates = typeof spec.pattern === 'string' ? [spec.pattern] : spec.pattern;
  const fieldLines = Object.entries(spec.fields).map(
    ([name, f]) => `    ${name} (${f.type}${f.required ? ', required' : ''})\n        ${f.description}`,
  );
  const ops = Object.entries(spec.operations).map(([op, o]) => `    ${op}: ${o?.summary ?? ''}`);
  const help = [
    `## PATH`,
    '',
    templates.map((t) => `    ${mountPath}${t}`).join('\n'),
    '',
    `## DESCRIPTION`,
    '',
    spec.help.synopsis + (spec.help.description ? `\n\n${spec.help.description}` : ''),
    '',
    `## OPERATIONS`,
    '',
    ...ops,
    '',
    `## PARAMETERS`,
    '',
    ...(fieldLines.length ? fieldLines : ['    (none)']),
  ].join('\n');
  return { help, openapi: openApiFragment(mountPath, templates, spec) };
}

const OPENAPI_TYPES: Record<string, object> = {
  string: { type: 'string' },
  int: { type: 'integer' },
  bool: { type: 'boolean' },
  duration: { type: 'string', format: 'duration' },
  strings: { type: 'array', items: { type: 'string' } },
  ints: { type: 'array', items: { type: 'integer' } },
  map: { type: 'object' },
  kvpairs: { type: 'object', additionalProperties: { type: 'string' } },
  any: {},
};

const HTTP_METHOD: Record<string, string> = {
  read: 'get',
  list: 'get',
  create: 'post',
  update: 'post',
  patch: 'patch',
  delete: 'delete',
};

function openApiFragment(mountPath: string, templates: readonly string[], spec: PathSpec<Fields>) {
  return { openapi: '3.0.2', info: { title: 'SecretumVault API', version: '1' }, paths: openApiPaths(mountPath, spec, templates) };
}

/**
 * The OpenAPI 3 path items of one declaration under `mountPath` (for `?help=1` and
 * `sys/internal/specs/openapi`): captures become path parameters, the other fields the JSON
 * body of POST and PATCH, as Vault's generator does.
 */
export function openApiPaths(
  mountPath: string,
  spec: PathSpec<Fields>,
  templates: readonly string[] = typeof spec.pattern === 'string' ? [spec.pattern] : spec.pattern,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const template of templates) {
    const captures = [...template.matchAll(CAPTURE)].map((m) => m[1]!);
    const oaPath = '/' + mountPath + template.replace(CAPTURE, '{$1}');
    const parameters = captures.map((name) => ({
      name,
      in: 'path',
      required: true,
      description: spec.fields[name]?.description ?? '',
      schema: OPENAPI_TYPES[spec.fields[name]?.type ?? 'string'],
    }));
    const body = Object.entries(spec.fields).filter(([n]) => !captures.includes(n));
    const methods: Record<string, unknown> = {};
    for (const [op, o] of Object.entries(spec.operations)) {
      const method = HTTP_METHOD[op];
      if (!method || methods[method]) continue;
      methods[method] = {
        summary: o?.summary,
        ...extra,
        // Vault marks a GET that lists with a required `list=true` query parameter.
        ...(op === 'list' && {
          parameters: [{ name: 'list', in: 'query', required: true, schema: { type: 'string', enum: ['true'] } }],
        }),
        ...((method === 'post' || method === 'patch') && body.length > 0
          ? {
              requestBody: {
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: Object.fromEntries(body.map(([n, f]) => [n, { ...OPENAPI_TYPES[f.type], description: f.description }])),
                    },
                  },
                },
              },
            }
          : {}),
        responses: { '200': { description: 'OK' }, '204': { description: 'empty body' } },
      };
    }
    paths[oaPath] = { description: spec.help.synopsis, ...(parameters.length > 0 && { parameters }), ...methods };
  }
  return paths;
}

/** A capture in a path template: `:name`, `:name+` or `:name*`. */
const CAPTURE = /:([A-Za-z0-9_]+)[+*]?/g;
