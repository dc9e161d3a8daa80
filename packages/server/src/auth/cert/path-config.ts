import { definePath, type PathSpec } from '../../framework/engine.js';
import { readConfig, writeConfig } from './cert-entry.js';

/** `auth/<mount>/config` (https://developer.hashicorp.com/vault/api-docs/auth/cert#configure-tls-certificate-method). */
export const configPath: PathSpec = definePath({
  pattern: 'config',
  fields: {
    disable_binding: { type: 'bool', description: 'Skip matching the renewing certificate against the login certificate.' },
    enable_identity_alias_metadata: { type: 'bool', description: 'Store the login metadata on the identity alias.' },
    ocsp_cache_size: { type: 'int', description: 'Accepted for compatibility; OCSP is not supported.' },
    role_cache_size: { type: 'int', description: 'Accepted for compatibility; entries are not cached.' },
  },
  help: { synopsis: 'Configure the TLS certificate auth method.' },
  authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'configure', resource: `${req.mount.path}config` }),
  operations: {
    read: {
      summary: 'Read the configuration.',
      handle: async (req) => {
        const c = await readConfig(req.storage);
        return { data: { disable_binding: c.disableBinding, enable_identity_alias_metadata: c.enableIdentityAliasMetadata, ocsp_cache_size: 100, role_cache_size: 200 } };
      },
    },
    update: {
      summary: 'Write the configuration.',
      handle: async (req) => {
        const c = await readConfig(req.storage);
        if (req.data.disable_binding !== undefined) c.disableBinding = req.data.disable_binding;
        if (req.data.enable_identity_alias_metadata !== undefined) c.enableIdentityAliasMetadata = req.data.enable_identity_alias_metadata;
        await writeConfig(req.storage, c);
        return undefined;
      },
    },
  },
});
