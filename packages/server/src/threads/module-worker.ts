import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `<name>.js` beside the caller (`callerUrl` is the
 * caller's `import.meta.url`). Compiled, that file exists. Run from source under tsx (benchmarks,
 * scripts), the sibling is `<name>.ts`, and Node 20 does not apply tsx's loader to a worker's
 * entry module: the worker then registers tsx itself before importing the `.ts` entry.
 *
 * The worker inherits the parent's Node flags (so `--import tsx` and profiling carry over)
 * except `--input-type`, which Node refuses for a worker started from a file.
 */
export function startModuleWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const withFlags: WorkerOptions = { execArgv: workerExecArgv(), ...options };
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), withFlags);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const source = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(source, { ...withFlags, eval: true });
}

function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--input-type') i++;
    else if (!args[i]!.startsWith('--input-type=')) out.push(args[i]!);
  }
  return out;
}
