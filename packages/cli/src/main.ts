import { processIo } from './io.js';
import { run } from './run.js';

// The `secretum` binary (bin/secretum.js imports this file).
process.exitCode = await run(process.argv.slice(2), processIo());
