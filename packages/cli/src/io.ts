import { readFile } from 'node:fs/promises';
import type { RunningServer, ServerConfig, ServerOptions } from '@secretumvault/server';

/**
 * What the server package offers `secretum server`. Loaded lazily so that client commands never
 * load the server's native modules. `ConfigError` and `DEFAULT_MAX_REQUEST_SIZE` live in the
 * server's config module; they are optional here until its index exports them.
 */
export interface ServerModule {
  startServer(options: ServerOptions): Promise<RunningServer>;
  loadServerConfig(file: string): Promise<ServerConfig>;
  DEFAULT_MAX_REQUEST_SIZE?: number;
}

/** Everything the CLI touches outside itself, injectable for in-process tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** All of stdin. */
  readStdin(): Promise<string>;
  /** One line; without echo when stdin is a terminal. */
  readSecret(prompt: string): Promise<string>;
  readFile(path: string): Promise<string>;
  importServer(): Promise<ServerModule>;
  /** Resolves with the signal name on SIGINT or SIGTERM. */
  waitForShutdown(): Promise<string>;
  fetch?: typeof fetch;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    readStdin,
    readSecret,
    readFile: (path) => readFile(path, 'utf8'),
    importServer: async () => (await import('@secretumvault/server')) as ServerModule,
    waitForShutdown: () =>
      new Promise((resolve) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from a TTY in raw mode so the secret is never echoed. */
async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return (await readStdin()).split(/\r?\n/)[0] ?? '';
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
