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
  const paths: Record<string, unknown> = {};
  for (const template of templates) {
    const oaPath = '/' + mountPath + template.replace(/:([a-z_]+)[+*]?/g, '{$1}');
    const methods: Record<string, unknown> = {};
    for (const [op, o] of Object.entries(spec.operations)) {
      const method = HTTP_METHOD[op];
      if (!method || methods[method]) continue;
      methods[method] = {
        summary: o?.summary,
        ...(method === 'post' || method === 'patch'
          ? {
              requestBody: {
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: Object.fromEntries(
                        Object.entries(spec.fields).map(([n, f]) => [
                          n,
                          { ...OPENAPI_TYPES[f.type], description: f.description },
                        ]),
                      ),
                    },
                  },
                },
              },
            }
          : {}),
        responses: { '200': { description: 'OK' }, '204': { description: 'empty body' } },
      };
    }
    paths[oaPath] = { description: spec.help.synopsis, ...methods };
  }
  return { openapi: '3.0.2', info: { title: 'SecretumVault API', version: '1' }, paths };
}
