import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../../errors.js';
import { checkNames, isHostname, nameAllowed } from './name-policy.js';
import { ROLE_DEFAULTS, type Role } from './role.js';
import { NO_SANS, type SubjectAltNames } from './cert-extensions.js';

const role = (over: Partial<Role>): Role => ({ ...ROLE_DEFAULTS, allowed_domains: ['example.com'], ...over });

describe('pki name policy', () => {
  it('allows subdomains only with allow_subdomains, the bare domain only with allow_bare_domains', () => {
    assert.equal(nameAllowed(role({}), 'a.example.com'), false);
    assert.equal(nameAllowed(role({ allow_subdomains: true }), 'a.b.example.com'), true);
    assert.equal(nameAllowed(role({ allow_subdomains: true }), 'example.com'), false);
    assert.equal(nameAllowed(role({ allow_bare_domains: true }), 'example.com'), true);
    assert.equal(nameAllowed(role({ allow_bare_domains: true }), 'a.example.com'), false);
    // A suffix that is not a label boundary is another domain.
    assert.equal(nameAllowed(role({ allow_subdomains: true }), 'badexample.com'), false);
  });

  it('matches globs only with allow_glob_domains', () => {
    const glob = { allowed_domains: ['*.svc.example.com'] };
    assert.equal(nameAllowed(role({ ...glob }), 'api.svc.example.com'), false);
    assert.equal(nameAllowed(role({ ...glob, allow_glob_domains: true }), 'api.svc.example.com'), true);
    assert.equal(nameAllowed(role({ ...glob, allow_glob_domains: true }), 'api.svc.example.org'), false);
  });

  it('allows a wildcard only with allow_wildcard_certificates and a covering domain', () => {
    assert.equal(nameAllowed(role({ allow_subdomains: true, allow_wildcard_certificates: true }), '*.example.com'), true);
    assert.equal(nameAllowed(role({ allow_subdomains: true, allow_wildcard_certificates: false }), '*.example.com'), false);
    assert.equal(nameAllowed(role({ allow_bare_domains: true, allow_wildcard_certificates: true }), '*.example.com'), false);
    assert.equal(nameAllowed(role({ allow_any_name: true }), 'a.*.example.com'), false);
  });

  it('checks hostname syntax with enforce_hostnames, even for allow_any_name', () => {
    assert.equal(isHostname('a-b.example.com'), true);
    assert.equal(isHostname('-a.example.com'), false);
    assert.equal(isHostname('a_b.example.com'), false);
    assert.equal(nameAllowed(role({ allow_any_name: true }), 'not a host'), false);
    assert.equal(nameAllowed(role({ allow_any_name: true, enforce_hostnames: false }), 'not a host'), true);
  });

  it('allows localhost per allow_localhost', () => {
    assert.equal(nameAllowed(role({}), 'localhost'), true);
    assert.equal(nameAllowed(role({ allow_localhost: false }), 'localhost'), false);
  });

  it('refuses IP and URI SANs the role does not allow, and invalid IPs, with 400', () => {
    const refuse = (r: Role, sans: SubjectAltNames, re: RegExp) =>
      assert.throws(() => checkNames(r, '', { ...NO_SANS, ...sans }), (e: unknown) => e instanceof VaultError && e.status === 400 && re.test(e.message));
    refuse(role({ allow_ip_sans: false }), { ...NO_SANS, ip: ['10.0.0.1'] }, /ip subject alternative names are not allowed/);
    refuse(role({}), { ...NO_SANS, ip: ['10.0.0.300'] }, /not a valid ip/);
    refuse(role({}), { ...NO_SANS, uri: ['spiffe://x/y'] }, /uri subject alternative names/);
    checkNames(role({ allowed_uri_sans: ['spiffe://x/*'] }), '', { ...NO_SANS, uri: ['spiffe://x/y'], ip: ['::1'] });
  });
});
