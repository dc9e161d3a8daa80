import type { CliIo, ServerModule } from './io.js';
import { run } from './run.js';

export interface MemoryIo extends CliIo {
  stdout: string;
  stderr: string;
}

/** An in-memory {@link CliIo}: captured output, a fixed environment, stdin and files. Tests only. */
export function memoryIo(options: {
  env?: Record<string, string>;
  stdin?: string;
  files?: Record<string, string>;
  server?: ServerModule;
  shutdown?: Promise<string>;
} = {}): MemoryIo {
  const io: MemoryIo = {
    stdout: '',
    stderr: '',
    out: (text) => {
      io.stdout += text;
    },
    err: (text) => {
      io.stderr += text;
    },
    env: options.env ?? {},
    readStdin: async () => options.stdin ?? '',
    readSecret: async () => (options.stdin ?? '').split('\n')[0] ?? '',
    readFile: async (path) => {
      const text = options.files?.[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    importServer: async () => {
      if (!options.server) throw new Error('no server in this test');
      return options.server;
    },
    waitForShutdown: () => options.shutdown ?? Promise.resolve('SIGTERM'),
  };
  return io;
}

/** Runs the CLI in-process; returns the exit code and the captured output. */
export async function runCli(argv: string[], options: Parameters<typeof memoryIo>[0] = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo(options);
  const code = await run(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
