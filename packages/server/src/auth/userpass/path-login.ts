import { invalidRequest, permissionDenied } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import { addressAllowed } from '../cidr.js';
import { tokenAuth } from '../token-fields.js';
import { dummyHash, verifyPassword } from './password-hash.js';
import { normaliseUsername, readUser } from './user-entry.js';

/** Vault's message for both a wrong password and an unknown user: one answer, no user oracle. */
export const INVALID_CREDENTIALS = 'invalid username or password';

/**
 * `auth/<mount>/login/:username` (https://developer.hashicorp.com/vault/api-docs/auth/userpass#login).
 *
 * INVARIANT: an unknown user costs one scrypt run, like a known one (against a fixed dummy hash),
 * and gets the same error, so neither time nor message tells whether the user exists. The CIDR
 * check comes after the password check for the same reason.
 */
export const loginPath: PathSpec = definePath({
  pattern: 'login/:username',
  fields: {
    username: { type: 'string', description: 'Username; case-insensitive.', required: true },
    password: { type: 'string', description: 'Password of the user.', sensitive: true },
  },
  help: { synopsis: 'Log in with a username and password.' },
  operations: {
    update: {
      summary: 'Log in with a username and password.',
      handle: async (req) => {
        if (req.data.password === undefined || req.data.password === '') throw invalidRequest('missing password');
        const username = normaliseUsername(req.data.username);
        const user = await readUser(req.storage, username);
        const valid = await verifyPassword(req.data.password, user?.password ?? (await dummyHash()));
        if (!user || !valid) throw invalidRequest(INVALID_CREDENTIALS);
        if (!addressAllowed(user.token.boundCidrs, req.remoteAddress)) throw permissionDenied();
        return {
          auth: {
            ...tokenAuth(user.token),
            displayName: username,
            metadata: { username },
            principal: { type: 'User', id: username },
            // `alias` asks the pipeline to find or create the entity (identity/login-identity.ts);
            // it moves to a proper AuthIssue field once the contract has one.
            internal: { username, alias: { name: username } },
          },
        };
      },
    },
  },
});
