import type { RunningServer, ServerConfig } from '@secretumvault/server';
import { Command } from 'commander';
import { CliError, EXIT_ERROR, usageError } from '../errors.js';
import type { CliIo, ServerModule } from '../io.js';

/** Vault's default, used until the server's index exports its own constant. */
const FALLBACK_MAX_REQUEST_SIZE = 32 * 1024 * 1024;
const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/;

interface ServerFlags {
  dev?: boolean;
  devRootTokenId?: string;
  devListenAddress: string;
  config?: string;
}

/** The in-memory, TLS-less config of `server -dev` (ARCHITECTURE.md, "Configuration"). */
export function devConfig(address: string, maxRequestSize = FALLBACK_MAX_REQUEST_SIZE): ServerConfig {
  return {
    ui: false,
    log_level: 'info',
    storage: { type: 'sqlite', path: ':memory:' },
    listener: { address, tls_disable: true, max_request_size: maxRequestSize },
    audit: [],
    rotation_policies: [],
  };
}

/** `secretum server -dev` or `secretum server -config FILE`; runs until SIGINT/SIGTERM. */
export function serverCommand(io: CliIo): Command {
  return new Command('server')
    .description('run a server: -dev (in memory, unsealed) or -config FILE')
    .option('--dev', 'start an initialised, unsealed, in-memory server')
    .option('--dev-root-token-id <id>', 'dev mode: use this root token')
    .option('--dev-listen-address <host:port>', 'dev mode: listen address', '127.0.0.1:8200')
    .option('--config <file>', 'TOML config file')
    .action(async (flags: ServerFlags) => {
      if (Boolean(flags.dev) === (flags.config !== undefined)) throw usageError('give exactly one of -dev or -config FILE');
      if (!flags.dev && flags.devRootTokenId !== undefined) throw usageError('`-dev-root-token-id` needs -dev');
      if (flags.dev && !HOST_PORT.test(flags.devListenAddress)) {
        throw usageError(`\`-dev-listen-address\` must be host:port, got \`${flags.devListenAddress}\``);
      }
      const server = await loadServer(io);
      let running: RunningServer;
      if (flags.dev) {
        const config = devConfig(flags.devListenAddress, server.DEFAULT_MAX_REQUEST_SIZE);
        const dev = flags.devRootTokenId === undefined ? {} : { rootTokenId: flags.devRootTokenId };
        running = await start(() => server.startServer({ config, dev }));
        io.out(devBanner(running));
      } else {
        const config = await loadConfig(server, flags.config!);
        running = await start(() => server.startServer({ config }));
        io.out(`==> SecretumVault server started on ${running.address}\n`);
      }
      const signal = await io.waitForShutdown();
      io.out(`==> SecretumVault shutdown triggered (${signal})\n`);
      await running.close();
    });
}

async function loadServer(io: CliIo): Promise<ServerModule> {
  try {
    return await io.importServer();
  } catch (err) {
    throw new CliError(`Error loading the server: ${firstLine(err)}`, EXIT_ERROR);
  }
}

async function loadConfig(server: ServerModule, file: string): Promise<ServerConfig> {
  try {
    return await server.loadServerConfig(file);
  } catch (err) {
    // ConfigError's message names the file, the key and what was expected.
    if (err instanceof Error && err.name === 'ConfigError') throw new CliError(`Error: ${err.message}`, EXIT_ERROR);
    throw new CliError(`Error loading ${file}: ${firstLine(err)}`, EXIT_ERROR);
  }
}

async function start(call: () => Promise<RunningServer>): Promise<RunningServer> {
  try {
    return await call();
  } catch (err) {
    throw new CliError(`Error starting the server: ${firstLine(err)}`, EXIT_ERROR);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

function devBanner(running: RunningServer): string {
  return [
    '==> SecretumVault server started in dev mode',
    '',
    `             Address: ${running.address}`,
    '',
    'WARNING! dev mode is enabled! In this mode, SecretumVault keeps everything in memory',
    'and starts unsealed with a single unseal key: all data is lost when it stops.',
    '',
    'You may need to set the following environment variables:',
    '',
    `    $ export VAULT_ADDR='${running.address}'`,
    '',
    'The unseal key and root token are displayed below in case you want to',
    'seal/unseal the server or re-authenticate.',
    '',
    `Unseal Key: ${running.unsealKey ?? 'n/a'}`,
    `Root Token: ${running.rootToken ?? 'n/a'}`,
    '',
    'Development mode should NOT be used in production installations!',
    '',
  ].join('\n');
}
