import { randomBytes } from 'node:crypto';
import type { Clock } from '../../framework/engine.js';

/** One OIDC authorization code flow between `oidc/auth_url` and `oidc/callback`. */
export interface OidcState {
  readonly role: string;
  readonly redirectUri: string;
  readonly nonce: string;
  /** PKCE (RFC 7636) verifier; its S256 challenge went to the provider. */
  readonly codeVerifier: string;
  readonly clientNonce: string;
  readonly expiresAt: number;
}

/** Vault keeps a flow for 10 minutes. */
const TTL_MS = 10 * 60 * 1000;
/** `auth_url` is unauthenticated: bound the memory anonymous callers can make us hold. */
const MAX_PENDING = 10_000;

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/**
 * Pending flows in memory, keyed by the random `state`, as Vault keeps them; each is taken once.
 * A standby forwards to the active node, so the callback meets the node that issued the state.
 */
export class OidcStates {
  private readonly pending = new Map<string, OidcState>();

  constructor(private readonly clock: Clock) {}

  create(s: Omit<OidcState, 'expiresAt'>): string {
    this.sweep();
    while (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    const state = randomToken();
    this.pending.set(state, { ...s, expiresAt: this.clock.now() + TTL_MS });
    return state;
  }

  /** The flow of `state`, removed so it cannot be replayed; undefined if unknown or expired. */
  take(state: string): OidcState | undefined {
    const found = this.pending.get(state);
    if (found === undefined) return undefined;
    this.pending.delete(state);
    return found.expiresAt > this.clock.now() ? found : undefined;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, v] of this.pending) if (v.expiresAt <= now) this.pending.delete(k);
  }
}
