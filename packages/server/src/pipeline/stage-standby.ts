import { VaultError } from '../errors.js';
import type { VaultRequest, VaultResponse } from './vault-request.js';

/**
 * What stage 2 needs from HA coordination (`PipelineDeps.ha`; implemented by ha/HaCoordinator).
 * Absent on a backend without a leader lock: every node is then active.
 */
export interface StandbyRouter {
  /** True while this node is unsealed and another node is (or may become) the active one. */
  isStandby(): boolean;
  /** The active node's advertised `api_addr`, or undefined when no node holds the lock. */
  leaderAddress(): Promise<string | undefined>;
  /** Sends the request to the active node and returns its answer unchanged. */
  forward(req: VaultRequest, leader: string): Promise<VaultResponse>;
}

/** Answered by the node itself, standby or not: each node is unsealed and observed on its own. */
const LOCAL_PATHS = new Set(['sys/health', 'sys/leader', 'sys/seal-status', 'sys/unseal', 'sys/init']);

/** Vault's message when a standby knows of no active node (spec §1.6). */
export const NO_ACTIVE_NODE = 'no active Vault instance found';

/**
 * Stage 2: a standby node hands the request to the active node (ARCHITECTURE.md, "HA"; spec
 * §0 trap 13, §1.6): proxied as is by default; answered with `307` to the same path on the
 * active node when the client sends `X-Vault-No-Request-Forwarding`, or when the request carries
 * a TLS client certificate (the proxy cannot present it; the client can, to the active node).
 * No active node known: `503 no active Vault instance found`.
 *
 * Returns the response to send, or `undefined` to go on with the stages here. Both parameters
 * are optional only so the pipeline's earlier no-argument call keeps compiling until it passes
 * its deps (see the HA wiring notes); with no `ha` it is a no-op.
 */
export function checkStandby(deps?: { readonly ha?: StandbyRouter }, req?: VaultRequest): Promise<VaultResponse | undefined> | undefined {
  const ha = deps?.ha;
  if (ha === undefined || req === undefined || !ha.isStandby()) return undefined;
  const path = req.rawPath.endsWith('/') ? req.rawPath.slice(0, -1) : req.rawPath;
  if (LOCAL_PATHS.has(path)) return undefined;
  return toActive(ha, req);
}

async function toActive(ha: StandbyRouter, req: VaultRequest): Promise<VaultResponse> {
  const leader = await ha.leaderAddress();
  if (leader === undefined) throw new VaultError('unavailable', NO_ACTIVE_NODE);
  // Vault checks the header for presence, not value (http/handler.go handleRequestForwarding).
  if (req.headers['x-vault-no-request-forwarding'] || req.clientCertificate !== undefined) {
    return { status: 307, headers: { location: redirectLocation(leader, req) } };
  }
  return ha.forward(req, leader);
}

/**
 * `<leader>/v1/<same path>?<same query>`; a leader address without a scheme gets `https://`,
 * as in Vault's respondStandby. A LIST keeps its meaning through the redirect as `?list=true`
 * (a client following a 307 repeats the method, but GET is what every server parses).
 */
export function redirectLocation(leader: string, req: VaultRequest): string {
  const base = (/^[a-z][a-z0-9+.-]*:\/\//i.test(leader) ? leader : `https://${leader}`).replace(/\/+$/, '');
  const query = new URLSearchParams(req.query);
  if (req.operation === 'list') query.set('list', 'true');
  if (req.help) query.set('help', '1');
  const search = query.toString();
  return `${base}/v1/${req.rawPath}${search === '' ? '' : `?${search}`}`;
}

