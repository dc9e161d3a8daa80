import type { CedarPolicyStore } from '../authz/policy-store.js';
import { policyName } from '../authz/policy-store.js';
import { invalidRequest, VaultError } from '../errors.js';
import { definePath, type Action, type EngineRequest, type Operation, type PathSpec } from '../framework/engine.js';
import type { StorageView } from '../storage/storage-view.js';

/** Where policies live in the system backend's storage view (through the barrier). */
export const POLICY_STORAGE_PREFIX = 'policy/cedar/';

/** The view the policy store reads on unseal: `sys/` + this, i.e. `barrier.view('sys/policy/cedar/')`. */
export const policyView = (systemView: StorageView): StorageView => systemView.sub(POLICY_STORAGE_PREFIX);

const nameField = { name: { type: 'string', description: 'the policy name', required: true } } as const;
const policyFields = {
  ...nameField,
  policy: { type: 'string', description: 'the Cedar policy document' },
  rules: { type: 'string', description: 'legacy alias of `policy` (the text is Cedar; HCL is not supported)' },
} as const;

const WRITE_ACTION: Record<Operation, Action> = {
  read: 'read',
  list: 'list',
  create: 'create',
  update: 'update',
  patch: 'update',
  delete: 'delete',
};

/**
 * The Cedar policy store's endpoints (patterns relative to `sys/`): `policies/cedar/:name` shaped
 * like Vault's `sys/policies/acl/:name` (spec "Contract details"), and the legacy aliases
 * `policy`, `policy/:name`, `policies/acl`, `policies/acl/:name` — which store Cedar too.
 *
 * Every alias names the same Cedar resource, `sys/policies/cedar/<name>` (`sys/policies/cedar` for
 * listing), so no spelling of the endpoint escapes a policy written for another.
 */
export function policyPaths(store: CedarPolicyStore): PathSpec<any>[] {
  // Lower-cased as the store does; never throws, so an unauthorized caller learns nothing.
  const resource = (name: string) => `sys/policies/cedar/${name.trim().toLowerCase()}`;
  const listAuthz = () => ({ action: 'list' as const, resource: 'sys/policies/cedar' });
  const keys = () => store.names();

  const read = (name: string): string => {
    const text = store.read(name);
    if (text === undefined) throw new VaultError('not_found', '');
    return text;
  };
  const write = async (req: EngineRequest<{ name: string; policy?: string; rules?: string }>) => {
    const text = req.data.policy ?? req.data.rules;
    if (text === undefined) throw invalidRequest('missing required field `policy`');
    await store.write(policyView(req.storage), req.data.name, text);
    return undefined;
  };
  const remove = async (req: EngineRequest<{ name: string }>) => {
    await store.delete(policyView(req.storage), req.data.name);
    return undefined;
  };
  const one = (pattern: string, legacy: boolean) =>
    definePath({
      pattern,
      fields: policyFields,
      help: { synopsis: 'Read, write or delete a named Cedar policy document.' },
      authz: (req) => ({ action: WRITE_ACTION[req.operation], resource: resource(req.data.name) }),
      exists: async (req) => store.has(req.data.name),
      operations: {
        read: {
          summary: 'read a policy',
          handle: async ({ data }) => {
            const policy = read(data.name);
            const name = policyName(data.name);
            return legacy ? { data: { name, rules: policy, policy }, dataAtTopLevel: true } : { data: { name, policy } };
          },
        },
        create: { summary: 'write a policy', handle: write },
        update: { summary: 'write a policy', handle: write },
        delete: { summary: 'delete a policy', handle: remove },
      },
    });
  const list = (pattern: string) =>
    definePath({
      pattern,
      fields: {},
      help: { synopsis: 'List the Cedar policy documents.' },
      authz: listAuthz,
      operations: { list: { summary: 'list policies', handle: async () => ({ data: { keys: keys() } }) } },
    });

  return [
    list('policies/cedar'),
    one('policies/cedar/:name', false),
    list('policies/acl'),
    one('policies/acl/:name', false),
    definePath({
      pattern: 'policy',
      fields: {},
      help: { synopsis: 'List the policies (legacy): `keys` and `policies`.' },
      authz: listAuthz,
      operations: {
        read: { summary: 'list policies', handle: async () => ({ data: { keys: keys(), policies: keys() }, dataAtTopLevel: true }) },
        list: { summary: 'list policies', handle: async () => ({ data: { keys: keys(), policies: keys() }, dataAtTopLevel: true }) },
      },
    }),
    one('policy/:name', true),
  ];
}
