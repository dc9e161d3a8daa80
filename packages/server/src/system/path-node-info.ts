import { hostname } from 'node:os';
import { definePath, type Clock, type PathSpec } from '../framework/engine.js';
import { collectHostInfo } from './host-info.js';
import type { InFlightRequests } from './in-flight-requests.js';
import type { HaHealth } from './path-health.js';
import { rawJson } from './raw-json.js';

export interface NodeInfoDeps {
  /** This node's `api_addr`: what `sys/leader` reports and standbys forward to. */
  readonly apiAddr: string;
  readonly version: string;
  readonly clock: Clock;
  /** Absent without a leader lock: this node is the whole cluster. */
  readonly ha?: HaHealth;
  readonly inFlight: InFlightRequests;
}

/**
 * `sys/ha-status`, `sys/host-info` and `sys/in-flight-req`: what this node knows about itself
 * (spec §2.8). Host details and the requests of other clients are for operators, so both need
 * `sudo` (stricter than Vault, which asks for plain `read`).
 */
export function nodeInfoPaths(deps: NodeInfoDeps): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'ha-status',
      fields: {},
      authz: () => ({ action: 'read', resource: 'sys/ha-status' }),
      operations: {
        read: {
          summary: 'the nodes of the cluster',
          handle: async () => {
            // Served by the active node (standbys forward). Standbys send no heartbeats here,
            // so the active node is the only one it can vouch for: Vault lists the peers it
            // has heard from, and there are none.
            const active = deps.ha === undefined || (await deps.ha.leader()).isSelf;
            const self = {
              hostname: hostname(),
              api_address: deps.apiAddr,
              cluster_address: '',
              active_node: active,
              last_echo: null,
              version: deps.version,
            };
            return { data: { nodes: [self] }, dataAtTopLevel: true };
          },
        },
      },
      help: { synopsis: 'The active node and the standbys it has heard from (only itself here).' },
    }),
    definePath({
      pattern: 'host-info',
      fields: {},
      authz: () => ({ action: 'sudo', resource: 'sys/host-info' }),
      operations: {
        read: {
          summary: 'CPU, disk, host and memory of this node',
          handle: async () => {
            const { info, warnings } = await collectHostInfo(new Date(deps.clock.now()));
            return { data: { ...info }, ...(warnings.length > 0 && { warnings }) };
          },
        },
      },
      help: { synopsis: 'CPU, CPU times, root disk usage, host and memory of the node that answers.' },
    }),
    definePath({
      pattern: 'in-flight-req',
      fields: {},
      authz: () => ({ action: 'sudo', resource: 'sys/in-flight-req' }),
      operations: {
        // Vault answers with the bare map, outside the envelope.
        read: { summary: 'requests being served', handle: async () => rawJson(deps.inFlight.snapshot()) },
      },
      help: { synopsis: 'The requests this node is serving now, by request id (this one included).' },
    }),
  ];
}
