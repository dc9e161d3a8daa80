import type { StorageBackend } from '../storage/storage-backend.js';
import { PrefixView, type StorageView } from '../storage/storage-view.js';

/** A storage view straight over a backend (no barrier), for authorizer-level tests. */
export const rawView = (backend: StorageBackend): StorageView => new PrefixView(backend, 'sys/policy/cedar/');
