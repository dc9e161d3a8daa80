import { hashPath, randomPath, type ToolPathOptions } from '../../framework/crypto-tools.js';
import { mountResource } from './key-store.js';

/**
 * Key-less tools at the mount's root: `random(/:source)(/:bytes)` and `hash(/:algorithm)`
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#generate-random-bytes), the
 * same declarations as `sys/tools/*`. Their Cedar resource is the mount itself.
 */
const atMountRoot: ToolPathOptions = {
  prefix: '',
  authz: (req) => ({ action: 'read', resource: mountResource(req.mount) }),
};

export const pathRandom = () => randomPath(atMountRoot);
export const pathHash = () => hashPath(atMountRoot);
