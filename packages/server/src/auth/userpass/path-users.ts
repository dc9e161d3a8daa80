import { invalidRequest, VaultError } from '../../errors.js';
import { definePath, type EngineRequest, type PathSpec } from '../../framework/engine.js';
import { applyTokenFields, defaultTokenSettings, tokenFields, tokenSettingsData } from '../token-fields.js';
import { hashPassword } from './password-hash.js';
import { deleteUser, listUsers, normaliseUsername, readUser, writeUser } from './user-entry.js';

const username = { type: 'string', description: 'Username; case-insensitive.', required: true } as const;
const password = { type: 'string', description: 'Password of the user.', sensitive: true } as const;

const resource = (req: EngineRequest<{ username: string }>, suffix = '') =>
  `${req.mount.path}users/${normaliseUsername(req.data.username)}${suffix}`;

const notFound = () => new VaultError('not_found', '');

/** `auth/<mount>/users*` (https://developer.hashicorp.com/vault/api-docs/auth/userpass). */
export const userPaths: readonly PathSpec[] = [
  definePath({
    pattern: 'users/:username',
    fields: { username, password, ...tokenFields },
    help: { synopsis: 'Create, read, update or delete a user.', description: 'Reads never return the password or its hash.' },
    authz: (req) => ({ action: req.operation, resource: resource(req) }),
    exists: async (req) => (await readUser(req.storage, normaliseUsername(req.data.username))) !== undefined,
    operations: {
      read: {
        summary: 'Read a user.',
        handle: async (req) => {
          const user = await readUser(req.storage, normaliseUsername(req.data.username));
          if (!user) throw notFound();
          return { data: tokenSettingsData(user.token) };
        },
      },
      create: {
        summary: 'Create a user.',
        handle: async (req) => {
          if (req.data.password === undefined || req.data.password === '') throw invalidRequest('missing password');
          const token = applyTokenFields(defaultTokenSettings(), req.data);
          await writeUser(req.storage, normaliseUsername(req.data.username), { password: await hashPassword(req.data.password), token });
          return undefined;
        },
      },
      update: {
        summary: 'Update a user.',
        handle: async (req) => {
          const name = normaliseUsername(req.data.username);
          const user = await readUser(req.storage, name);
          if (!user) throw invalidRequest('username does not exist');
          const token = applyTokenFields(user.token, req.data);
          const hash = req.data.password ? await hashPassword(req.data.password) : user.password;
          await writeUser(req.storage, name, { password: hash, token });
          return undefined;
        },
      },
      delete: {
        summary: 'Delete a user.',
        handle: async (req) => {
          await deleteUser(req.storage, normaliseUsername(req.data.username));
          return undefined;
        },
      },
    },
  }),
  definePath({
    pattern: 'users',
    fields: {},
    help: { synopsis: 'List users.' },
    authz: (req) => ({ action: 'list', resource: `${req.mount.path}users` }),
    operations: {
      list: {
        summary: 'List users.',
        handle: async (req) => {
          const keys = await listUsers(req.storage);
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    },
  }),
  definePath({
    pattern: 'users/:username/password',
    fields: { username, password: { ...password, required: true } },
    help: { synopsis: "Change a user's password." },
    authz: (req) => ({ action: 'update', resource: resource(req, '/password') }),
    operations: {
      update: {
        summary: "Change a user's password.",
        handle: async (req) => {
          const name = normaliseUsername(req.data.username);
          const user = await readUser(req.storage, name);
          if (!user) throw invalidRequest('username does not exist');
          if (req.data.password === '') throw invalidRequest('missing password');
          await writeUser(req.storage, name, { ...user, password: await hashPassword(req.data.password) });
          return undefined;
        },
      },
    },
  }),
  definePath({
    pattern: 'users/:username/policies',
    fields: { username, token_policies: tokenFields.token_policies, policies: tokenFields.policies },
    help: { synopsis: "Replace a user's token policies." },
    authz: (req) => ({ action: 'update', resource: resource(req, '/policies') }),
    operations: {
      update: {
        summary: "Replace a user's token policies.",
        handle: async (req) => {
          const name = normaliseUsername(req.data.username);
          const user = await readUser(req.storage, name);
          if (!user) throw invalidRequest('username does not exist');
          const policies = req.data.token_policies ?? req.data.policies ?? [];
          await writeUser(req.storage, name, { ...user, token: applyTokenFields(user.token, { token_policies: policies }) });
          return undefined;
        },
      },
    },
  }),
];
