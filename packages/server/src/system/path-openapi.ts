import { definePath, type EngineSpec, type PathSpec } from '../framework/engine.js';
import type { Fields } from '../framework/fields.js';
import { openApiPaths } from '../framework/help.js';
import type { MountTable } from '../router/mount-table.js';

/**
 * `sys/internal/specs/openapi`: one OpenAPI 3 document for every mounted engine, built from the
 * same path declarations as `?help=1` (framework/help.ts), with each path under its mount, as
 * Vault's (https://developer.hashicorp.com/vault/api-docs/system/internal-specs-openapi).
 * Authorized like the other `sys/internal/*` paths: Cedar `read` on the path. Unlike Vault, the
 * document is not trimmed to what the caller's token may do.
 */
export function openApiPath(mounts: () => MountTable): PathSpec<any> {
  return definePath({
    pattern: 'internal/specs/openapi',
    fields: {
      generic_mount_paths: {
        type: 'bool',
        description: 'write `{mountPath}` instead of each mount path, as Vault does',
        default: false,
      },
    },
    authz: () => ({ action: 'read', resource: 'sys/internal/specs/openapi' }),
    operations: {
      read: {
        summary: 'the OpenAPI document of the mounted engines',
        handle: async ({ data }) => ({ data: openApiDocument(mounts().engines(), data.generic_mount_paths === true) }),
      },
    },
    help: { synopsis: 'An OpenAPI 3 document describing every mounted path.' },
  });
}

/** Vault's document: OpenAPI 3.0.2, paths without the `/v1` prefix (its info says so). */
export function openApiDocument(engines: Iterable<{ path: string; engine: EngineSpec }>, generic: boolean): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { path, engine } of [...engines].sort((a, b) => a.path.localeCompare(b.path))) {
    // Vault tags each operation with the kind of backend behind it, and keeps `sys/` as itself.
    const tag = path === 'sys/' ? 'system' : engine.kind;
    const open = new Set(engine.unauthenticated ?? []);
    const mountPath = generic && path !== 'sys/' ? '{mountPath}/' : path;
    for (const spec of engine.paths as readonly PathSpec<Fields>[]) {
      for (const template of typeof spec.pattern === 'string' ? [spec.pattern] : spec.pattern) {
        const extra = { tags: [tag], ...(open.has(template) && { 'x-vault-unauthenticated': true }) };
        Object.assign(paths, openApiPaths(mountPath, spec, [template], extra));
      }
    }
  }
  return {
    openapi: '3.0.2',
    info: {
      title: 'SecretumVault API',
      description: 'HTTP API that gives you full access to SecretumVault. All API routes are prefixed with `/v1/`.',
      version: '1.0.0',
    },
    paths,
  };
}
