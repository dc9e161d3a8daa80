import { hashPath, randomPath } from '../framework/crypto-tools.js';
import type { PathSpec } from '../framework/engine.js';

/**
 * `sys/tools/random(/:source)(/:bytes)` and `sys/tools/hash(/:algorithm)`
 * (https://developer.hashicorp.com/vault/api-docs/system/tools), declared once in
 * framework/crypto-tools.ts and shared with transit. As in Vault's ACLs, the Cedar request is
 * `update` on the path as called, so a policy can allow `resource in Secret::"sys/tools/hash"`
 * or pin a source or size (`Secret::"sys/tools/random/platform/32"`). Vault's default policy
 * allows `sys/tools/hash`; ours does too (authz/builtin-policies.ts).
 */
export function toolPaths(): PathSpec<any>[] {
  const options = { prefix: 'tools/', authz: (req: { path: string }) => ({ action: 'update' as const, resource: `sys/${req.path}` }) };
  return [randomPath(options), hashPath(options)];
}
