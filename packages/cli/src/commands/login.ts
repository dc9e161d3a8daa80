import type { TokenLookupData, VaultAuth, VaultAuthResponse } from '@secretumvault/sdk';
import { Command } from 'commander';
import { parseKeyValues } from '../args.js';
import { createContext, withClientFlags, type ClientFlags, type CommandContext } from '../context.js';
import { api, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { toYaml } from '../output.js';
import { storeToken } from '../token-helper.js';
import { printAuth } from './token.js';

interface LoginFlags extends ClientFlags {
  method: string;
  path?: string;
  /** `--no-store` sets this to false. */
  store: boolean;
  tokenOnly?: boolean;
  field?: string;
}

/** One auth method's login: the `k=v` arguments in, the server's auth response out. */
type LoginHandler = (ctx: CommandContext, mount: string, args: LoginArgs) => Promise<VaultAuthResponse>;

interface LoginArgs {
  /** The positional arguments that are not `k=v` (the token for `-method=token`). */
  bare: string[];
  values: Record<string, unknown>;
}

/**
 * The methods `secretum login` knows, as `vault login` knows its handlers. Other methods log in
 * with `secretum write auth/<path>/login …`.
 */
const HANDLERS: Record<string, LoginHandler> = {
  token: loginToken,
  userpass: loginUserpass,
  approle: loginAppRole,
};

/**
 * `secretum login [-method=M] [-path=P] [TOKEN | k=v …]`: authenticates and keeps the token in the
 * token file (`~/.vault-token`), where every later command finds it when neither `-token` nor
 * VAULT_TOKEN is given.
 */
export function loginCommand(io: CliIo): Command {
  return withClientFlags(new Command('login'))
    .description('authenticate and store the token for later commands (~/.vault-token)')
    .argument('[args...]', 'TOKEN (or - for stdin) for -method=token; k=v pairs otherwise')
    .option('--method <method>', `auth method: ${Object.keys(HANDLERS).join(', ')}`, 'token')
    .option('--path <path>', 'mount path below auth/ (default: the method)')
    .option('--no-store', 'do not store the token in the token file')
    .option('--token-only', 'print only the token; implies -no-store')
    .option('--field <name>', 'print only this field of the token (e.g. token)')
    .action(async (args: string[], flags: LoginFlags) => {
      const handler = HANDLERS[flags.method];
      if (!handler) {
        throw usageError(`unknown auth method \`${flags.method}\`; use one of ${Object.keys(HANDLERS).join(', ')}, or \`secretum write auth/<path>/login\``);
      }
      const ctx = createContext(flags, io);
      const mount = (flags.path ?? flags.method).replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
      const bare = args.filter((a) => a === '-' || !a.includes('='));
      const values = await parseKeyValues(args.filter((a) => !bare.includes(a)), io);
      const result = await handler(ctx, mount, { bare, values });

      // As `vault login`: -token-only is -field=token without storing.
      const store = flags.store && !flags.tokenOnly;
      const field = flags.tokenOnly ? 'token' : flags.field;
      if (store) storeToken(io.env, result.auth.client_token);
      if (store && io.env['VAULT_TOKEN']) {
        io.err('WARNING! The VAULT_TOKEN environment variable is set! It takes precedence over the stored token; unset it to use the stored one.\n\n');
      }
      if (field === undefined && ctx.format === 'table') io.out(successText(store));
      if (field === undefined && ctx.format === 'yaml') return io.out(toYaml(result));
      printAuth(ctx, result, field);
    });
}

function successText(stored: boolean): string {
  return stored
    ? 'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "secretum login"\nagain. Future requests will automatically use this token.\n\n'
    : 'Success! You are now authenticated. The token information displayed below\nis for reference only: it was not stored in the token helper.\n\n';
}

/** `login TOKEN`, `login -` (stdin) or `login` (prompt): checked with `lookup-self`, then kept. */
async function loginToken(ctx: CommandContext, _mount: string, { bare, values }: LoginArgs): Promise<VaultAuthResponse> {
  if (bare.length > 1 || Object.keys(values).length > (values['token'] === undefined ? 0 : 1)) {
    throw usageError('`-method=token` takes one TOKEN argument (or `-` for stdin)');
  }
  let token = typeof values['token'] === 'string' ? values['token'] : bare[0];
  if (token === '-') token = (await ctx.io.readStdin()).trim();
  if (token === undefined) token = (await ctx.io.readSecret('Token (will be hidden): ')).trim();
  if (token === '') throw usageError('empty token');
  const checked = token;
  const lookup = await api('looking up token', () => ctx.client.auth.token(checked));
  return { ...lookup, data: { ...lookup.data }, auth: lookupAsAuth(checked, lookup.data) };
}

/** `username=U [password=P]`; the password is prompted for when not given. */
async function loginUserpass(ctx: CommandContext, mount: string, { bare, values }: LoginArgs): Promise<VaultAuthResponse> {
  rejectBare(bare);
  const username = stringValue(values, 'username', true)!;
  const password = stringValue(values, 'password', false) ?? (await ctx.io.readSecret('Password (will be hidden): '));
  return api(`logging in as \`${username}\``, () => ctx.client.auth.userpass(username, password, mount));
}

/** `role_id=R [secret_id=S]`. */
async function loginAppRole(ctx: CommandContext, mount: string, { bare, values }: LoginArgs): Promise<VaultAuthResponse> {
  rejectBare(bare);
  const roleId = stringValue(values, 'role_id', true)!;
  const secretId = stringValue(values, 'secret_id', false);
  return api('logging in with approle', () => ctx.client.auth.appRole(roleId, secretId, mount));
}

function rejectBare(bare: string[]): void {
  if (bare.length > 0) throw usageError(`expected key=value, got \`${bare[0]}\``);
}

function stringValue(values: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = values[key];
  if (value === undefined) {
    if (required) throw usageError(`missing \`${key}=…\``);
    return undefined;
  }
  if (typeof value !== 'string') throw usageError(`\`${key}\` given more than once`);
  return value;
}

/** `lookup-self` data in the shape of a login's `auth`, so both print the same table. */
function lookupAsAuth(token: string, data: TokenLookupData): VaultAuth {
  return {
    client_token: token,
    accessor: data.accessor,
    policies: data.policies,
    token_policies: data.policies,
    identity_policies: data.identity_policies ?? [],
    metadata: data.meta,
    lease_duration: data.ttl,
    renewable: data.renewable,
    entity_id: data.entity_id,
    token_type: data.type,
    orphan: data.orphan,
    num_uses: data.num_uses,
  };
}
