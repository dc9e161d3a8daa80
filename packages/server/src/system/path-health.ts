import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import { rawJson } from './raw-json.js';
import type { SystemLifecycle } from './system-lifecycle.js';

const code = (description: string) => ({ type: 'string' as const, description });

/**
 * What `sys/health` and `sys/leader` need to know about HA (implemented by ha/HaCoordinator).
 * Absent when the storage backend has no leader lock: HA is off and every node is active.
 */
export interface HaHealth {
  /** Unsealed, and not (yet) the node holding the leader lock. */
  isStandby(): boolean;
  /** The active node as this node sees it; `activeTime` is RFC 3339, zero time unless `isSelf`. */
  leader(): Promise<{ isSelf: boolean; leaderAddress: string; activeTime: string }>;
}

/** `sys/health` and `sys/leader` (spec §1.7, §2.1): status codes are the API. */
export function healthPaths(life: SystemLifecycle, clock: { now(): number }, ha?: HaHealth): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'health',
      fields: {
        standbyok: { type: 'bool', description: 'answer 200 from a standby' },
        perfstandbyok: { type: 'bool', description: 'answer 200 from a performance standby' },
        activecode: code('status when active (200)'),
        standbycode: code('status when standby (429)'),
        sealedcode: code('status when sealed (503)'),
        uninitcode: code('status when not initialised (501)'),
        drsecondarycode: code('status for a DR secondary (472)'),
        performancestandbycode: code('status for a performance standby (473)'),
        haunhealthycode: code('status when HA is unhealthy (474)'),
        removedcode: code('status when removed from the cluster (530)'),
      },
      authz: () => ({ action: 'read', resource: 'sys/health' }),
      operations: {
        read: {
          summary: 'health of this node',
          handle: async ({ data }) => {
            const parse = (v: string | undefined, def: number) => {
              if (v === undefined || v === '') return def;
              if (!/^\d+$/.test(v)) throw invalidRequest('bad code given in health check parameters');
              return Number(v);
            };
            const status = await life.sealStatus();
            const active = parse(data.activecode, 200);
            const standbyCode = parse(data.standbycode, 429);
            const standby = !status.sealed && ha?.isStandby() === true;
            const http = !status.initialized
              ? parse(data.uninitcode, 501)
              : status.sealed
                ? parse(data.sealedcode, 503)
                : standby && !data.standbyok
                  ? standbyCode
                  : active;
            return rawJson(
              {
                initialized: status.initialized,
                sealed: status.sealed,
                standby,
                performance_standby: false,
                replication_performance_mode: 'disabled',
                replication_dr_mode: 'disabled',
                server_time_utc: Math.floor(clock.now() / 1000),
                version: life.version,
                enterprise: false,
                echo_duration_ms: 0,
                clock_skew_ms: 0,
                ...(status.cluster_name && { cluster_name: status.cluster_name, cluster_id: status.cluster_id }),
              },
              http,
            );
          },
        },
      },
      help: { synopsis: 'Node health; the HTTP status code carries the state.' },
    }),
    definePath({
      pattern: 'leader',
      fields: {},
      authz: () => ({ action: 'read', resource: 'sys/leader' }),
      operations: {
        read: {
          summary: 'the active node',
          handle: async () => {
            if (ha !== undefined) {
              const leader = await ha.leader();
              return rawJson({
                ha_enabled: true,
                is_self: leader.isSelf,
                active_time: leader.activeTime,
                leader_address: leader.leaderAddress,
                // No cluster listener: standbys reach the active node through its api_addr.
                leader_cluster_address: '',
                performance_standby: false,
                performance_standby_last_remote_wal: 0,
              });
            }
            return rawJson({
              ha_enabled: false,
              is_self: false,
              active_time: '0001-01-01T00:00:00Z',
              leader_address: '',
              leader_cluster_address: '',
              performance_standby: false,
              performance_standby_last_remote_wal: 0,
            });
          },
        },
      },
      help: { synopsis: 'Which node is active (HA needs a storage backend with a leader lock and `ha_enabled`).' },
    }),
  ];
}
