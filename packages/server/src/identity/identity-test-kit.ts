/**
 * Test-only: the identity engine through the tier-1 harness, on an in-memory store, knowing two
 * auth mounts by accessor (as the server's mount table would tell it).
 */
import { MapStore, mountEngine, type EngineHarness } from '../framework/engine-harness.js';
import { PrefixView } from '../storage/storage-view.js';
import { IdentityStore, identityEngine } from './index.js';

export const USERPASS_ACCESSOR = 'auth_userpass_1';
export const JWT_ACCESSOR = 'auth_jwt_1';

const mounts: Record<string, { path: string; type: string }> = {
  [USERPASS_ACCESSOR]: { path: 'auth/userpass/', type: 'userpass' },
  [JWT_ACCESSOR]: { path: 'auth/jwt/', type: 'jwt' },
};

export async function identityHarness(): Promise<{ h: EngineHarness; store: IdentityStore }> {
  const store = await IdentityStore.open(new PrefixView(new MapStore(), 'sys/identity/'));
  const h = await mountEngine(identityEngine(store, (accessor) => mounts[accessor]), { path: 'identity/', type: 'identity', accessor: 'identity_1' });
  return { h, store };
}
