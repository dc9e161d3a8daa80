import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NotFoundError, UnsupportedOperationError } from './errors.js';
import { fakeKv, sopsFixtures } from './fake-kv.test-helper.js';
import { startFakeVault, type FakeVault } from './fake-vault.test-helper.js';
import { SecretsConfigError, secretsConfigFromToml } from './secrets-config.js';
import { createSecretsProvider, vaultClientOptions } from './secrets-provider.js';
import { VaultSecretsProvider } from './vault-secrets-provider.js';

describe('secretsConfigFromToml', () => {
  it('defaults to secretum-vault on mount secret without [secrets]', () => {
    assert.deepEqual(secretsConfigFromToml({}), { provider: 'secretum-vault', vaultMount: 'secret' });
  });

  it('reads every key of [secrets], [secrets.tls], [secrets.cache], [secrets.fallback]', () => {
    const config = secretsConfigFromToml({
      secrets: {
        provider: 'secretum-vault',
        vault_addr: ['http://a:8200', 'http://b:8200'],
        vault_namespace: 'ns',
        vault_mount: 'kv',
        tls: { ca_cert: '/ca.pem', client_cert: '/c.pem', client_key: '/k.pem' },
        cache: { ttl: '5m', max_size: '1MiB' },
        fallback: { sops: 'config/secrets.yaml', age_key_file: '/keys.txt' },
      },
    });
    assert.deepEqual(config, {
      provider: 'secretum-vault',
      vaultMount: 'kv',
      vaultAddr: ['http://a:8200', 'http://b:8200'],
      vaultNamespace: 'ns',
      tls: { caCert: '/ca.pem', clientCert: '/c.pem', clientKey: '/k.pem' },
      cache: { enabled: true, ttl: 300, maxSize: 1024 * 1024 },
      fallback: { sops: 'config/secrets.yaml', ageKeyFile: '/keys.txt' },
    });
    const files: Record<string, string> = { '/ca.pem': 'CA', '/c.pem': 'CERT', '/k.pem': 'KEY' };
    const options = vaultClientOptions(config, { env: { VAULT_TOKEN: 'tok' }, readFile: (p) => files[p]! });
    assert.deepEqual(options.tls, { caCert: 'CA', clientCert: 'CERT', clientKey: 'KEY' });
    assert.deepEqual(options.addresses, ['http://a:8200', 'http://b:8200']);
    assert.equal(options.token, 'tok');
  });

  it('names the key and what was expected', () => {
    assert.throws(() => secretsConfigFromToml({ secrets: { provider: 'vault' } }), (e: unknown) => e instanceof SecretsConfigError && /`provider` must be one of/.test(e.message));
    assert.throws(() => secretsConfigFromToml({ secrets: { cache: { ttl: 'soon' } } }), /\[secrets\.cache\]: `ttl` must be/);
    assert.throws(() => secretsConfigFromToml({ secrets: { provider: 'sops' } }), /needs `sops_file`/);
  });
});

describe('createSecretsProvider', () => {
  let fake: FakeVault;
  before(async () => {
    fake = await startFakeVault(fakeKv().handler);
  });
  after(() => fake.close());

  it('secretum-vault: set, get, rotate, rollback, list on the platform model', async () => {
    const p = createSecretsProvider({ secrets: { vault_addr: fake.address } }, { env: { VAULT_TOKEN: 't' } });
    assert.ok(p instanceof VaultSecretsProvider);
    assert.deepEqual(await p.set('db/prod/password', 'one'), { path: 'db/prod/password', version: 1 });
    assert.equal(await p.get('db/prod/password'), 'one');
    const rotated = await p.rotate('db/prod/password');
    assert.equal(rotated.version, 2);
    const value = await p.get('db/prod/password');
    assert.match(value, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await p.rollback('db/prod/password', 1)).version, 3);
    assert.equal(await p.get('db/prod/password'), 'one');
    assert.deepEqual(await p.list('db'), ['prod/']);
    await assert.rejects(p.rotate('db/missing'), NotFoundError);
  });

  it('prints other fields as JSON', async () => {
    const p = createSecretsProvider({ provider: 'secretum-vault', vaultAddr: fake.address }, { env: { VAULT_TOKEN: 't' } }) as VaultSecretsProvider;
    await p.kv.put('multi', { user: 'u', password: 'p' });
    assert.equal(await p.get('multi'), '{"user":"u","password":"p"}');
  });

  it('sops: read-only over the flattened file', async () => {
    const dir = sopsFixtures();
    const p = createSecretsProvider({ secrets: { provider: 'sops', sops_file: join(dir, 'example.json'), age_key_file: join(dir, 'keys.txt') } });
    assert.equal(await p.get('address/city'), 'New York');
    assert.equal(await p.get('phoneNumbers/1/number'), '646 555-4567');
    await assert.rejects(p.get('nope'), NotFoundError);
    await assert.rejects(p.set('address/city', 'x'), UnsupportedOperationError);
  });

  it('env: DATABASE_PROD_PASSWORD for database/prod/password', async () => {
    const p = createSecretsProvider({ secrets: { provider: 'env', env_prefix: 'APP_' } }, { env: { APP_DATABASE_PROD_PASSWORD: 'pw', APP_DATABASE_PROD_USER: 'u' } });
    assert.equal(await p.get('database/prod/password'), 'pw');
    assert.deepEqual(await p.list('database/prod'), ['password', 'user']);
    await assert.rejects(p.get('database/dev/password'), /APP_DATABASE_DEV_PASSWORD/);
    await assert.rejects(p.rotate('database/prod/password'), UnsupportedOperationError);
  });
});
