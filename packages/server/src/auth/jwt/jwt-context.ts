import type { Clock } from '../../framework/engine.js';
import type { JwtConfig } from './jwt-config.js';
import { KeySet } from './key-set.js';
import { OidcStates } from './oidc-states.js';

/** What the JWT/OIDC paths of one mount share: the clock, cached keys and pending OIDC flows. */
export class JwtContext {
  readonly states: OidcStates;
  private cached: { fingerprint: string; keys: KeySet } | undefined;

  constructor(readonly clock: Clock) {
    this.states = new OidcStates(clock);
  }

  /** The key set of `config`, reused while the config is unchanged (so JWKS stay cached). */
  keysFor(config: JwtConfig): KeySet {
    const fingerprint = JSON.stringify([config.oidcDiscoveryUrl, config.oidcDiscoveryCaPem, config.jwksUrl, config.jwksCaPem, config.jwtValidationPubkeys]);
    if (this.cached?.fingerprint !== fingerprint) this.cached = { fingerprint, keys: new KeySet(config, this.clock) };
    return this.cached.keys;
  }

  /** Drops cached keys, e.g. after a config write. */
  forget(): void {
    this.cached = undefined;
  }
}
