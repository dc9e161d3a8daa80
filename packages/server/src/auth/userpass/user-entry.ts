import type { StorageView } from '../../storage/storage-view.js';
import type { TokenSettings } from '../token-fields.js';
import type { PasswordHash } from './password-hash.js';

/** A userpass user as stored under `user/<username>`. The password is kept only as a hash. */
export interface UserEntry {
  password: PasswordHash;
  token: TokenSettings;
}

const key = (username: string) => `user/${username}`;

/** Usernames are case-insensitive, as in Vault: stored and looked up lowercased. */
export const normaliseUsername = (username: string) => username.toLowerCase();

export const readUser = (storage: StorageView, username: string) => storage.getJson<UserEntry>(key(username));
export const writeUser = (storage: StorageView, username: string, user: UserEntry) => storage.putJson(key(username), user);
export const deleteUser = (storage: StorageView, username: string) => storage.delete(key(username));
export const listUsers = async (storage: StorageView) => (await storage.list('user/')).filter((k) => !k.endsWith('/'));
