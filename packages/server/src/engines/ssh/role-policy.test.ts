import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { throws400 } from './test-support.js';
import { roleFromRequest, roleFields, type SshRole } from './role.js';
import { resolveCertificate, type CertificateRequest } from './role-policy.js';
import { fromKeyObject, publicKeyHash } from './ssh-keys.js';
import { parseFields } from '../../framework/fields.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const LIMITS = { defaultTtl: 3600, maxTtl: 7200 };
const key = fromKeyObject(generateKeyPairSync('ed25519').privateKey).publicKey;

const role = (fields: Record<string, unknown>): SshRole =>
  roleFromRequest(parseFields(roleFields, { name: 'dev', key_type: 'ca', ...fields }));

const request = (over: Partial<CertificateRequest> = {}): CertificateRequest => ({
  roleName: 'dev',
  publicKey: key,
  validPrincipals: ['alice'],
  certType: 'user',
  ttl: undefined,
  keyId: undefined,
  criticalOptions: undefined,
  extensions: undefined,
  displayName: undefined,
  ...over,
});

const userRole = (over: Record<string, unknown> = {}) =>
  role({ allow_user_certificates: true, allowed_users: 'alice,bob', ...over });

describe('ssh role policy: principals', () => {
  it('accepts allowed users and refuses others, naming the principal', () => {
    assert.deepEqual(resolveCertificate(userRole(), request({ validPrincipals: ['alice', 'bob', 'alice'] }), LIMITS, NOW).principals, ['alice', 'bob']);
    throws400(() => resolveCertificate(userRole(), request({ validPrincipals: ['alice', 'mallory'] }), LIMITS, NOW), /`mallory` is not a valid value for valid_principals/);
  });

  it('uses default_user only when valid_principals is absent, and it must be allowed too', () => {
    assert.deepEqual(resolveCertificate(userRole({ default_user: 'bob' }), request({ validPrincipals: undefined }), LIMITS, NOW).principals, ['bob']);
    throws400(() => resolveCertificate(userRole({ default_user: 'carol' }), request({ validPrincipals: undefined }), LIMITS, NOW), /`carol` is not a valid/);
  });

  it('refuses empty principals unless allow_empty_principals (CVE-2024-7594), even with `*`', () => {
    throws400(() => resolveCertificate(userRole({ allowed_users: '*' }), request({ validPrincipals: [] }), LIMITS, NOW), /refusing to issue unsafe/);
    throws400(() => resolveCertificate(userRole(), request({ validPrincipals: undefined }), LIMITS, NOW), /no principals/);
    const open = userRole({ allow_empty_principals: true });
    assert.deepEqual(resolveCertificate(open, request({ validPrincipals: [] }), LIMITS, NOW).principals, []);
  });

  it('treats `*` as any user and an empty allow-list as none', () => {
    assert.deepEqual(resolveCertificate(userRole({ allowed_users: '*' }), request({ validPrincipals: ['anyone'] }), LIMITS, NOW).principals, ['anyone']);
    throws400(() => resolveCertificate(userRole({ allowed_users: '' }), request(), LIMITS, NOW), /role is not configured to allow any principals/);
  });

  it('checks host principals against allowed_domains with bare and subdomain switches', () => {
    const host = (over: Record<string, unknown>) => role({ allow_host_certificates: true, allowed_domains: 'example.com', ...over });
    const asHost = (p: string) => request({ certType: 'host', validPrincipals: [p] });
    throws400(() => resolveCertificate(host({}), asHost('example.com'), LIMITS, NOW), /`example.com` is not a valid/);
    assert.deepEqual(resolveCertificate(host({ allow_bare_domains: true }), asHost('example.com'), LIMITS, NOW).principals, ['example.com']);
    throws400(() => resolveCertificate(host({ allow_bare_domains: true }), asHost('a.example.com'), LIMITS, NOW), /not a valid/);
    assert.deepEqual(resolveCertificate(host({ allow_subdomains: true }), asHost('a.b.example.com'), LIMITS, NOW).principals, ['a.b.example.com']);
    throws400(() => resolveCertificate(host({ allow_subdomains: true }), asHost('badexample.com'), LIMITS, NOW), /not a valid/);
  });
});

describe('ssh role policy: type, ttl, options, key id', () => {
  it('refuses certificate types the role does not allow', () => {
    throws400(() => resolveCertificate(userRole(), request({ certType: 'host' }), LIMITS, NOW), /cert_type 'host' is not allowed by role/);
    throws400(() => resolveCertificate(role({ allow_host_certificates: true, allowed_users: '*' }), request(), LIMITS, NOW), /cert_type 'user' is not allowed/);
    throws400(() => resolveCertificate(userRole(), request({ certType: 'both' }), LIMITS, NOW), /either 'user' or 'host'/);
  });

  it('sets the window from not_before_duration and the ttl', () => {
    const cert = resolveCertificate(userRole({ ttl: '10m', not_before_duration: '1m' }), request(), LIMITS, NOW);
    assert.equal(cert.validAfter, NOW_S - 60);
    assert.equal(cert.validBefore, NOW_S + 600);
    const dflt = resolveCertificate(userRole(), request(), LIMITS, NOW);
    assert.equal(dflt.validAfter, NOW_S - 30);
    assert.equal(dflt.validBefore, NOW_S + LIMITS.defaultTtl);
  });

  it('refuses a requested ttl above max_ttl but caps a default one', () => {
    throws400(() => resolveCertificate(userRole({ max_ttl: '1h' }), request({ ttl: 3601 }), LIMITS, NOW), /ttl is larger than maximum allowed \(3600\)/);
    throws400(() => resolveCertificate(userRole(), request({ ttl: 7201 }), LIMITS, NOW), /maximum allowed \(7200\)/);
    assert.equal(resolveCertificate(userRole({ max_ttl: '1h' }), request({ ttl: 3600 }), LIMITS, NOW).validBefore, NOW_S + 3600);
    const capped = resolveCertificate(userRole({ max_ttl: '5m' }), request(), LIMITS, NOW);
    assert.equal(capped.validBefore, NOW_S + 300);
  });

  it('allows only listed extensions, `*` allows any, and defaults apply when none are asked', () => {
    const r = userRole({ allowed_extensions: 'permit-pty', default_extensions: { 'permit-agent-forwarding': '' } });
    assert.deepEqual(resolveCertificate(r, request(), LIMITS, NOW).extensions, { 'permit-agent-forwarding': '' });
    assert.deepEqual(resolveCertificate(r, request({ extensions: { 'permit-pty': '' } }), LIMITS, NOW).extensions, { 'permit-pty': '' });
    throws400(() => resolveCertificate(r, request({ extensions: { 'permit-X11-forwarding': '' } }), LIMITS, NOW), /extensions not on allowed list: permit-X11-forwarding/);
    throws400(() => resolveCertificate(userRole(), request({ extensions: { 'permit-pty': '' } }), LIMITS, NOW), /extensions not on allowed list/);
    const any = userRole({ allowed_extensions: '*' });
    assert.deepEqual(resolveCertificate(any, request({ extensions: { custom: 'x' } }), LIMITS, NOW).extensions, { custom: 'x' });
  });

  it('allows any critical option when the allow-list is empty, and only listed ones otherwise', () => {
    const forced = { 'force-command': 'true' };
    assert.deepEqual(resolveCertificate(userRole(), request({ criticalOptions: forced }), LIMITS, NOW).criticalOptions, forced);
    const r = userRole({ allowed_critical_options: 'source-address', default_critical_options: { 'source-address': '10.0.0.0/8' } });
    assert.deepEqual(resolveCertificate(r, request(), LIMITS, NOW).criticalOptions, { 'source-address': '10.0.0.0/8' });
    throws400(() => resolveCertificate(r, request({ criticalOptions: forced }), LIMITS, NOW), /critical options not on allowed list: force-command/);
  });

  it('builds Vault-style key ids and guards user-chosen ones', () => {
    const hash = publicKeyHash(key);
    assert.equal(resolveCertificate(userRole(), request(), LIMITS, NOW).keyId, `vault-${hash}`);
    assert.equal(resolveCertificate(userRole(), request({ displayName: 'token-alice' }), LIMITS, NOW).keyId, `vault-token-alice-${hash}`);
    const fmt = userRole({ key_id_format: 'custom-{{role_name}}-{{token_display_name}}' });
    assert.equal(resolveCertificate(fmt, request({ displayName: 'x' }), LIMITS, NOW).keyId, 'custom-dev-x');
    throws400(() => resolveCertificate(userRole(), request({ keyId: 'mine' }), LIMITS, NOW), /setting `key_id` is not allowed by role/);
    assert.equal(resolveCertificate(userRole({ allow_user_key_ids: true }), request({ keyId: 'mine' }), LIMITS, NOW).keyId, 'mine');
  });

  it('enforces allowed_user_key_lengths', () => {
    const rsa = fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey).publicKey;
    const r = userRole({ allowed_user_key_lengths: { rsa: [3072, 4096] } });
    throws400(() => resolveCertificate(r, request({ publicKey: rsa }), LIMITS, NOW), /key is of an invalid size: 2048/);
    throws400(() => resolveCertificate(r, request(), LIMITS, NOW), /key of type `ed25519` is not allowed by role/);
    const ok = userRole({ allowed_user_key_lengths: { rsa: '2048', ed25519: 0 } });
    assert.equal(resolveCertificate(ok, request({ publicKey: rsa }), LIMITS, NOW).subjectKey, rsa);
    assert.equal(resolveCertificate(ok, request(), LIMITS, NOW).subjectKey, key);
  });
});
