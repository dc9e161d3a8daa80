import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { fails, ok, secretum, type CliResult } from './cli-process.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

// `secretum auth …` and `secretum login` as a shell user meets them: the real binary, one process
// per command, a real dev server, and HOME in a temp dir so the token file is the test's own.

const ROOT = 'root-cli-auth';
const PASSWORD = 'correct horse battery staple';
describe('secretum auth and login against a real dev server', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let home: string;
  let aliceToken = '';
  /** As root, through VAULT_TOKEN. */
  const asRoot = (args: readonly string[]): Promise<CliResult> => secretum(args, { VAULT_ADDR: server.url, VAULT_TOKEN: ROOT, HOME: home });
  /** No VAULT_TOKEN: whatever `secretum login` stored in HOME. */
  const asStored = (args: readonly string[], stdin?: string): Promise<CliResult> => secretum(args, { VAULT_ADDR: server.url, HOME: home }, stdin);

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'secretum-cli-auth-'));
    server = await startServerProcess(['--dev', '--dev-listen-address', '127.0.0.1:0', '--dev-root-token-id', ROOT]);
  });
  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('enables userpass and creates a user through the generic write', async () => {
    assert.equal(ok(await asRoot(['auth', 'enable', 'userpass'])), 'Success! Enabled userpass auth method at: userpass/\n');
    fails(await asRoot(['auth', 'enable', 'userpass']), 1, /^Error enabling userpass auth at userpass\/: .*\(400\)$/);
    ok(await asRoot(['write', 'auth/userpass/users/alice', `password=${PASSWORD}`, 'policies=default']));
    const table = ok(await asRoot(['auth', 'list']));
    assert.match(table, /^Path\s+Type\s+Accessor\s+Description$/m);
    assert.match(table, /^userpass\/\s+userpass\s+\S+\s+n\/a$/m);
  });

  it('login -method=userpass stores the token in $HOME/.vault-token, mode 0600', async () => {
    const out = ok(await asStored(['login', '-method=userpass', 'username=alice', `password=${PASSWORD}`]));
    assert.match(out, /^Success! You are now authenticated\./);
    assert.match(out, /^token_meta\s+map\[username:alice\]$/m);
    aliceToken = /^token\s+(\S+)$/m.exec(out)?.[1] ?? '';
    assert.notEqual(aliceToken, '');
    const file = join(home, '.vault-token');
    assert.equal(readFileSync(file, 'utf8'), aliceToken);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.doesNotMatch(out, new RegExp(PASSWORD));
  });

  it('later commands use the stored token without VAULT_TOKEN', async () => {
    const lookup = ok(await asStored(['token', 'lookup']));
    assert.match(lookup, /^display_name\s+userpass-alice$/m);
    assert.match(lookup, /^policies\s+\[default\]$/m);
    assert.equal(ok(await asStored(['print', 'token'])), `${aliceToken}\n`);
    assert.equal(ok(await asStored(['token', 'capabilities', 'secret/data/anything'])), 'deny\n');
    // alice may not read sys/auth: the stored token, not root, is what was sent.
    fails(await asStored(['auth', 'list']), 1, /^Error listing auth methods: .*permission denied.*\(403\)$/);
    // VAULT_TOKEN still wins over the file.
    assert.match(ok(await asRoot(['token', 'lookup'])), /^display_name\s+root$/m);
  });

  it('a failed login leaves the stored token alone', async () => {
    fails(await asStored(['login', '-method=userpass', 'username=alice', 'password=wrong']), 1, /^Error logging in as `alice`: .*\(400\)$|\(403\)$/);
    assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), aliceToken);
  });

  it('auth list -format=yaml, tune, and the JSON view agree', async () => {
    const yaml = parseYaml(ok(await asRoot(['auth', 'list', '-format=yaml']))) as Record<string, { type: string; accessor: string }>;
    assert.equal(yaml['userpass/']?.type, 'userpass');
    assert.equal(yaml['token/']?.type, 'token');
    const json = JSON.parse(ok(await asRoot(['auth', 'list', '-format=json']))) as typeof yaml;
    assert.equal(json['userpass/']?.accessor, yaml['userpass/']?.accessor);

    assert.equal(ok(await asRoot(['auth', 'tune', '-default-lease-ttl=1h', 'userpass'])), 'Success! Tuned the auth method at: userpass/\n');
    const tune = JSON.parse(ok(await asRoot(['read', '-format=json', 'sys/auth/userpass/tune']))) as { data: { default_lease_ttl: number } };
    assert.equal(tune.data.default_lease_ttl, 3600);
  });

  it('login with a token (stdin) replaces the stored one', async () => {
    const out = ok(await asStored(['login', '-'], `${ROOT}\n`));
    assert.match(out, /^token\s+root-cli-auth$/m);
    assert.match(out, /^token_policies\s+\[root\]$/m);
    assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), ROOT);
    assert.match(ok(await asStored(['auth', 'list'])), /^userpass\//m);
  });

  it('auth disable userpass removes the method', async () => {
    assert.equal(ok(await asRoot(['auth', 'disable', 'userpass'])), 'Success! Disabled the auth method (if it existed) at: userpass/\n');
    const yaml = parseYaml(ok(await asRoot(['auth', 'list', '-format=yaml']))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(yaml), ['token/']);
  });

  // Vault revokes every token an auth method issued when the method is disabled
  // (https://developer.hashicorp.com/vault/docs/commands/auth/disable); this server does not yet.
  it('auth disable revokes the tokens the method issued', async () => {
    fails(await asRoot(['token', 'lookup', aliceToken]), 1, /^Error looking up token: .*\((400|403)\)$/);
  });

  it('completion bash comes from the real command tree', async () => {
    const script = ok(await asRoot(['completion', 'bash']));
    assert.match(script, /^ {4}'auth'\) echo 'enable disable list tune' ;;$/m);
    assert.match(script, /^complete -o default -F _secretum secretum$/m);
  });
});
