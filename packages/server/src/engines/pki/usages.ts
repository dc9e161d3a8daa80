import { invalidRequest } from '../../errors.js';
import type { Role } from './role.js';
import { x509 } from './x509.js';

/**
 * Vault's key usage and extended key usage names (Go's x509 names without their prefixes,
 * matched case-insensitively) mapped to X.509 flags and OIDs.
 */

const KEY_USAGES: Record<string, number> = {
  digitalsignature: x509.KeyUsageFlags.digitalSignature,
  contentcommitment: x509.KeyUsageFlags.nonRepudiation,
  keyencipherment: x509.KeyUsageFlags.keyEncipherment,
  dataencipherment: x509.KeyUsageFlags.dataEncipherment,
  keyagreement: x509.KeyUsageFlags.keyAgreement,
  certsign: x509.KeyUsageFlags.keyCertSign,
  crlsign: x509.KeyUsageFlags.cRLSign,
  encipheronly: x509.KeyUsageFlags.encipherOnly,
  decipheronly: x509.KeyUsageFlags.decipherOnly,
};

const EXT_KEY_USAGES: Record<string, string> = {
  any: '2.5.29.37.0',
  serverauth: x509.ExtendedKeyUsage.serverAuth,
  clientauth: x509.ExtendedKeyUsage.clientAuth,
  codesigning: x509.ExtendedKeyUsage.codeSigning,
  emailprotection: x509.ExtendedKeyUsage.emailProtection,
  ipsecendsystem: '1.3.6.1.5.5.7.3.5',
  ipsectunnel: '1.3.6.1.5.5.7.3.6',
  ipsecuser: '1.3.6.1.5.5.7.3.7',
  timestamping: x509.ExtendedKeyUsage.timeStamping,
  ocspsigning: x509.ExtendedKeyUsage.ocspSigning,
};

/** The key usage bit mask of Vault names; 400 on an unknown name. */
export function keyUsageFlags(names: string[]): number {
  let flags = 0;
  for (const name of names) {
    const flag = KEY_USAGES[name.trim().toLowerCase().replace(/^keyusage/, '')];
    if (flag === undefined) throw invalidRequest(`unknown key usage \`${name}\``);
    flags |= flag;
  }
  return flags;
}

/** The extended key usage OIDs a role grants (flags, names and raw OIDs); 400 on an unknown name. */
export function extKeyUsageOids(role: Role): string[] {
  const oids = new Set<string>();
  if (role.server_flag) oids.add(x509.ExtendedKeyUsage.serverAuth);
  if (role.client_flag) oids.add(x509.ExtendedKeyUsage.clientAuth);
  if (role.code_signing_flag) oids.add(x509.ExtendedKeyUsage.codeSigning);
  if (role.email_protection_flag) oids.add(x509.ExtendedKeyUsage.emailProtection);
  for (const name of role.ext_key_usage) {
    const oid = EXT_KEY_USAGES[name.trim().toLowerCase().replace(/^extkeyusage/, '')];
    if (oid === undefined) throw invalidRequest(`unknown extended key usage \`${name}\``);
    oids.add(oid);
  }
  for (const oid of role.ext_key_usage_oids) {
    if (!/^\d+(\.\d+)+$/.test(oid.trim())) throw invalidRequest(`invalid extended key usage oid \`${oid}\``);
    oids.add(oid.trim());
  }
  return [...oids];
}
