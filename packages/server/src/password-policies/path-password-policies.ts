import { invalidRequest, notFound, VaultError } from '../errors.js';
import { definePath, type EngineRequest, type PathSpec } from '../framework/engine.js';
import { checkGenerates, generatePassword } from './password-generator.js';
import { PasswordPolicyStore } from './password-policy-store.js';
import { decodePolicyText, parsePolicyText } from './policy-text.js';

/**
 * `sys/policies/password` (LIST), `sys/policies/password/:name` (PUT/POST, GET, DELETE) and
 * `sys/policies/password/:name/generate` (GET), as Vault's
 * (https://developer.hashicorp.com/vault/api-docs/system/policies-password). Patterns are
 * relative to `sys/`; records live in the system view (see {@link PasswordPolicyStore}).
 *
 * Cedar: every policy is the resource `sys/policies/password/<name>`, with `read`, `create`,
 * `update` and `delete` for the document and `generate` for a password, so reading a policy
 * and drawing from it are granted apart; listing is `list` on `sys/policies/password`.
 */
const LIST_RESOURCE = 'sys/policies/password';
const resource = (name: string) => `${LIST_RESOURCE}/${name}`;
const store = (req: EngineRequest<unknown>) => new PasswordPolicyStore(req.storage);
const nameField = { name: { type: 'string', description: 'The name of the password policy.', required: true } } as const;

/** Vault's answer for a name with no policy, on read and generate alike. */
const noPolicy = () => notFound('policy does not exist');

export function passwordPolicyPaths(): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'policies/password',
      fields: {},
      authz: () => ({ action: 'list', resource: LIST_RESOURCE }),
      operations: {
        list: {
          summary: 'List the password policies.',
          async handle(req) {
            const keys = await store(req).list();
            // Vault's list convention: nothing to list is a 404 with no message.
            if (keys.length === 0) throw new VaultError('not_found', '');
            return { data: { keys } };
          },
        },
      },
      help: { synopsis: 'List the named password policies.' },
    }),
    definePath({
      pattern: 'policies/password/:name',
      fields: {
        ...nameField,
        policy: {
          type: 'string',
          description: 'The policy document: HCL or JSON, optionally base64-encoded.',
        },
      },
      authz: (req) => ({ action: req.operation, resource: resource(req.data.name) }),
      exists: async (req) => (await store(req).text(req.data.name)) !== undefined,
      operations: {
        read: {
          summary: 'Read a password policy as it was written.',
          async handle(req) {
            const text = await store(req).text(req.data.name);
            if (text === undefined) throw noPolicy();
            return { data: { policy: text } };
          },
        },
        create: { summary: 'Create a password policy.', handle: write },
        update: { summary: 'Replace a password policy.', handle: write },
        delete: {
          summary: 'Delete a password policy (engines naming it then fail to generate).',
          async handle(req) {
            await store(req).delete(req.data.name);
            return undefined;
          },
        },
      },
      help: {
        synopsis: 'Manage a named password policy.',
        description:
          'A `length` (4 to 100) and `rule "charset" { charset = "…", min-chars = N }` blocks; passwords are drawn from the union of the charsets and must meet every rule. The policy is test-generated before it is saved.',
      },
    }),
    definePath({
      pattern: 'policies/password/:name/generate',
      fields: nameField,
      authz: (req) => ({ action: 'generate', resource: resource(req.data.name) }),
      operations: {
        read: {
          summary: 'Generate a password from a policy.',
          async handle(req) {
            const policy = await store(req).policy(req.data.name);
            if (!policy) throw noPolicy();
            return { data: { password: generatePassword(policy) } };
          },
        },
      },
      help: { synopsis: 'Generate a password from a named password policy.' },
    }),
  ];
}

/** Validates (parse, limits, test generation) before anything is stored, as Vault does. */
async function write(req: EngineRequest<{ name: string; policy?: string | undefined }>) {
  const raw = req.data.policy;
  if (raw === undefined || raw === '') throw invalidRequest('missing required field `policy`');
  const text = decodePolicyText(raw);
  checkGenerates(parsePolicyText(text));
  await store(req).put(req.data.name, text);
  return undefined;
}
