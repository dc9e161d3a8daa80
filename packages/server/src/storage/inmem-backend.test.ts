import { InmemBackend } from './inmem-backend.js';
import { describeStorageConformance } from './storage-conformance.js';

describeStorageConformance('inmem', async () => new InmemBackend());
