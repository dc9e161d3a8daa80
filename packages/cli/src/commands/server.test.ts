import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerOptions } from '@secretumvault/server';
import type { ServerModule } from '../io.js';
import { runCli } from '../memory-io.test-helper.js';

function fakeServerModule(): ServerModule & { started: ServerOptions[]; closed: number } {
  const mod = {
    started: [] as ServerOptions[],
    closed: 0,
    DEFAULT_MAX_REQUEST_SIZE: 1234,
    startServer: async (options: ServerOptions) => {
      mod.started.push(options);
      return {
        address: `http://${options.config.listener.address}`,
        ...(options.dev && { rootToken: options.dev.rootTokenId ?? 'hvs.generated', unsealKey: 'dW5zZWFs' }),
        close: async () => {
          mod.closed++;
        },
      };
    },
    loadServerConfig: async (file: string) => {
      const err = new Error(`${file}: \`storage.path\`: expected the path of the SQLite database file`);
      err.name = 'ConfigError';
      throw err;
    },
  };
  return mod;
}

describe('secretum server', () => {
  it('-dev starts an in-memory server, prints the banner, and closes on a signal', async () => {
    const server = fakeServerModule();
    const r = await runCli(['server', '-dev', '-dev-root-token-id=root', '-dev-listen-address=127.0.0.1:8300'], { server });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(server.started, [
      {
        config: {
          ui: false,
          log_level: 'info',
          storage: { type: 'sqlite', path: ':memory:' },
          listener: { address: '127.0.0.1:8300', tls_disable: true, max_request_size: 1234 },
          audit: [],
          rotation_policies: [],
        },
        dev: { rootTokenId: 'root' },
      },
    ]);
    assert.match(r.stdout, /export VAULT_ADDR='http:\/\/127\.0\.0\.1:8300'/);
    assert.match(r.stdout, /Unseal Key: dW5zZWFs\nRoot Token: root\n/);
    assert.match(r.stdout, /in memory/);
    assert.match(r.stdout, /shutdown triggered \(SIGTERM\)/);
    assert.equal(server.closed, 1);
  });

  it('--dev without a root token id passes an empty dev object', async () => {
    const server = fakeServerModule();
    await runCli(['server', '--dev'], { server });
    assert.deepEqual(server.started[0]!.dev, {});
    assert.equal(server.started[0]!.config.listener.address, '127.0.0.1:8200');
  });

  it('-config prints a ConfigError message in one line and exits 1', async () => {
    const r = await runCli(['server', '-config=bad.toml'], { server: fakeServerModule() });
    assert.deepEqual([r.code, r.stdout], [1, '']);
    assert.equal(r.stderr, 'Error: bad.toml: `storage.path`: expected the path of the SQLite database file\n');
  });

  it('needs exactly one of -dev and -config', async () => {
    assert.equal((await runCli(['server'], { server: fakeServerModule() })).code, 2);
    assert.equal((await runCli(['server', '-dev', '-config=x.toml'], { server: fakeServerModule() })).code, 2);
    assert.equal((await runCli(['server', '-dev', '-dev-listen-address=nope'], { server: fakeServerModule() })).code, 2);
  });

  it('reports a failing start in one line', async () => {
    const server = fakeServerModule();
    server.startServer = async () => {
      throw new Error('listen EADDRINUSE: address already in use 127.0.0.1:8200\n    at stack');
    };
    const r = await runCli(['server', '-dev'], { server });
    assert.deepEqual([r.code, r.stderr], [1, 'Error starting the server: listen EADDRINUSE: address already in use 127.0.0.1:8200\n']);
  });
});
