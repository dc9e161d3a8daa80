import { isIP } from 'node:net';
import { invalidRequest } from '../../errors.js';
import type { SubjectAltNames } from './cert-extensions.js';
import type { Role } from './role.js';

/**
 * Which names a role lets a certificate carry, after Vault's `validateNames`
 * (builtin/logical/pki/cert_util.go; behaviour read from the API docs, not the code):
 * `allow_any_name`, `allow_localhost`, then each of `allowed_domains` as a bare domain, a parent
 * of subdomains or a glob. Wildcards need `allow_wildcard_certificates`; `enforce_hostnames`
 * checks hostname syntax. Violations are 400s naming the offending value.
 */

/** RFC 1123 hostname syntax: labels of letters, digits and inner hyphens, 1–63 octets each. */
export function isHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
}

/** `*.example.com` → `example.com`; a name with a wildcard elsewhere returns undefined. */
function wildcardBase(name: string): string | undefined {
  return name.startsWith('*.') && !name.slice(2).includes('*') ? name.slice(2) : undefined;
}

/** Shell-style glob over a domain, `*` matching any run of characters (dots included, as Vault's). */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(name);
}

/** Whether `role` permits the DNS name (or CN) `name`. */
export function nameAllowed(role: Role, name: string): boolean {
  const lower = name.toLowerCase();
  const isWildcard = lower.includes('*');
  const base = wildcardBase(lower);
  if (isWildcard && (!role.allow_wildcard_certificates || base === undefined)) return false;
  const reduced = base ?? lower;
  // An email address as CN is checked on its domain part.
  const host = reduced.includes('@') ? reduced.slice(reduced.lastIndexOf('@') + 1) : reduced;
  if (role.enforce_hostnames && !isHostname(host)) return false;
  if (role.allow_any_name) return true;
  if (role.allow_localhost && !isWildcard && (host === 'localhost' || host === 'localdomain')) return true;
  for (const allowed of role.allowed_domains.map((d) => d.toLowerCase())) {
    if (allowed === '') continue;
    // A bare domain cannot be a wildcard: `*.example.com` is a subdomain of example.com, not it.
    if (role.allow_bare_domains && !isWildcard && host === allowed) return true;
    if (role.allow_subdomains && (host.endsWith(`.${allowed}`) || (isWildcard && host === allowed))) return true;
    if (role.allow_glob_domains && allowed.includes('*') && globMatch(allowed, isWildcard ? lower : host)) return true;
  }
  return false;
}

/** Throws 400 unless the CN and every SAN of the request are allowed by `role`. */
export function checkNames(role: Role, commonName: string, sans: SubjectAltNames): void {
  if (commonName !== '' && !nameAllowed(role, commonName)) {
    throw invalidRequest(`common name \`${commonName}\` not allowed by this role${wildcardHint(role, commonName)}`);
  }
  for (const name of [...sans.dns, ...sans.email]) {
    if (!nameAllowed(role, name)) {
      throw invalidRequest(`subject alternate name \`${name}\` not allowed by this role${wildcardHint(role, name)}`);
    }
  }
  for (const ip of sans.ip) {
    if (isIP(ip) === 0) throw invalidRequest(`the value \`${ip}\` is not a valid ip address`);
    if (!role.allow_ip_sans) {
      throw invalidRequest(`ip subject alternative names are not allowed in this role, but \`${ip}\` was provided`);
    }
  }
  for (const uri of sans.uri) {
    if (!role.allowed_uri_sans.some((pattern) => globMatch(pattern, uri))) {
      throw invalidRequest(`uri subject alternative names are not allowed in this role, but \`${uri}\` was provided`);
    }
  }
}

function wildcardHint(role: Role, name: string): string {
  return name.includes('*') && !role.allow_wildcard_certificates ? ' (allow_wildcard_certificates is false)' : '';
}

/** Splits Vault's `alt_names` into DNS names and email addresses. */
export function splitAltNames(altNames: string[]): Pick<SubjectAltNames, 'dns' | 'email'> {
  const names = altNames.map((n) => n.trim()).filter((n) => n !== '');
  return { dns: names.filter((n) => !n.includes('@')), email: names.filter((n) => n.includes('@')) };
}
