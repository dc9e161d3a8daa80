import type { EngineResponse } from '../framework/engine.js';
import { VaultError } from '../errors.js';
import type { VaultResponse } from './vault-request.js';

/** Vault's response envelope (spec §1.4). */
export interface Envelope {
  request_id: string;
  lease_id: string;
  renewable: boolean;
  lease_duration: number;
  data: Record<string, unknown> | null;
  wrap_info: Record<string, unknown> | null;
  warnings: string[] | null;
  auth: Record<string, unknown> | null;
  mount_type: string;
}

export function buildEnvelope(
  requestId: string,
  res: EngineResponse,
  extra: { leaseId?: string; leaseDuration?: number; auth?: Record<string, unknown>; mountType: string },
): Envelope {
  return {
    request_id: requestId,
    lease_id: extra.leaseId ?? res.leaseInfo?.id ?? '',
    renewable: res.secret?.renewable ?? res.leaseInfo?.renewable ?? false,
    lease_duration: extra.leaseDuration ?? res.leaseInfo?.duration ?? 0,
    data: res.data ?? null,
    wrap_info: null,
    warnings: res.warnings && res.warnings.length ? res.warnings : null,
    auth: extra.auth ?? null,
    mount_type: extra.mountType,
  };
}

/** A wrapped reply carries only `wrap_info` (spec §1.4). */
export function wrappedEnvelope(wrapInfo: Record<string, unknown>, mountType: string): Envelope {
  return {
    request_id: '',
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: wrapInfo,
    warnings: null,
    auth: null,
    mount_type: mountType,
  };
}

/** 200 with the envelope, or 204 when there is nothing to say (spec §0 trap 4). */
export function envelopeResponse(env: Envelope, res: EngineResponse): VaultResponse {
  const empty =
    env.data === null && env.auth === null && env.wrap_info === null && env.warnings === null && env.lease_id === '';
  if (empty && res.status === undefined) return { status: 204 };
  let body: Record<string, unknown> = { ...env };
  if (res.dataAtTopLevel && env.data) body = { ...env.data, ...body };
  return { status: res.status ?? 200, body };
}

/** `{"errors":[...]}` with the error's status; an empty message renders as `[]`. */
export function errorResponse(err: VaultError): VaultResponse {
  return {
    status: err.status,
    body: { errors: err.message ? [err.message] : [], ...(err.data && { data: err.data }) },
  };
}
