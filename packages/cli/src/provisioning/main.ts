import { processIo } from '../io.js';
import { runProvisioning } from './provisioning-program.js';

// The `provisioning` binary (bin/provisioning.js imports this file).
process.exitCode = await runProvisioning(process.argv.slice(2), processIo());
