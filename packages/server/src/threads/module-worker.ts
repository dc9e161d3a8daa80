import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `<name>.js` beside the caller (`callerUrl` is the
 * caller's `import.meta.url`). Compiled, that file exists. Run from source under tsx (benchmarks,
 * scripts), the sibling is `<name>.ts`, and Node 20 does not apply tsx's loader to a worker's
 * entry module: the worker then registers tsx itself before importing the `.ts` entry.
 *
 * The worker inherits the parent's Node flags (so `--import tsx` and profiling carry over), with
 * one exception: `--input-type` (a parent started with `-e`) is refused for a worker started from
 * a file, so then the flags are passed without it — or none at all if the worker refuses those
 * too (process-wide V8 flags such as `--expose-gc` are accepted only when inherited).
 */
export function startModuleWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return start(new URL(`./${name}.js`, callerUrl), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const source = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return start(source, { ...options, eval: true });
}

function start(entry: URL | string, options: WorkerOptions): Worker {
  const args = process.execArgv;
  if (!args.some((a) => a === '--input-type' || a.startsWith('--input-type='))) return new Worker(entry, options);
  const execArgv = args.filter((a, i) => !a.startsWith('--input-type') && args[i - 1] !== '--input-type');
  try {
    return new Worker(entry, { ...options, execArgv });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(entry, { ...options, execArgv: [] });
  }
}
