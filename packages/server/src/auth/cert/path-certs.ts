import { invalidRequest, VaultError } from '../../errors.js';
import { definePath, type EngineRequest, type PathSpec } from '../../framework/engine.js';
import type { FieldValues } from '../../framework/fields.js';
import { applyTokenFields, defaultTokenSettings, tokenFields, tokenSettingsData } from '../token-fields.js';
import { deleteCert, listCerts, normaliseName, readCert, writeCert, type CertEntry } from './cert-entry.js';
import { allowsClientAuth, parsePem } from './parsed-cert.js';

const name = { type: 'string', description: 'Name of the trusted certificate entry; case-insensitive.', required: true } as const;

const certFields = {
  name,
  certificate: { type: 'string', description: 'PEM: a CA certificate (or bundle) or a client certificate to trust.' },
  display_name: { type: 'string', description: 'Display name of issued tokens; defaults to the entry name.' },
  allowed_names: { type: 'strings', description: 'Globs matched against the common name, DNS and email SANs.' },
  allowed_common_names: { type: 'strings', description: 'Globs matched against the common name.' },
  allowed_dns_sans: { type: 'strings', description: 'Globs matched against DNS SANs.' },
  allowed_email_sans: { type: 'strings', description: 'Globs matched against email SANs.' },
  allowed_uri_sans: { type: 'strings', description: 'Globs matched against URI SANs.' },
  allowed_organizational_units: { type: 'strings', description: 'Globs matched against subject OUs.' },
  required_extensions: { type: 'strings', description: '`oid:glob` pairs every client certificate must carry.' },
  allowed_metadata_extensions: { type: 'strings', description: 'Extension OIDs copied into the login metadata.' },
  ocsp_enabled: { type: 'bool', description: 'OCSP is not supported; only `false` is accepted.' },
  ...tokenFields,
} as const;

const notFound = () => new VaultError('not_found', '');
const resource = (req: EngineRequest<{ name: string }>) => `${req.mount.path}certs/${normaliseName(req.data.name)}`;

const CLIENT_AUTH_REQUIRED = 'nonCA certificates should have TLS client authentication set as an extended key usage';

export function certData(e: CertEntry): Record<string, unknown> {
  return {
    certificate: e.certificate,
    display_name: e.displayName,
    allowed_names: [...e.allowedNames],
    allowed_common_names: [...e.allowedCommonNames],
    allowed_dns_sans: [...e.allowedDnsSans],
    allowed_email_sans: [...e.allowedEmailSans],
    allowed_uri_sans: [...e.allowedUriSans],
    allowed_organizational_units: [...e.allowedOrganizationalUnits],
    required_extensions: [...e.requiredExtensions],
    allowed_metadata_extensions: [...e.allowedMetadataExtensions],
    ocsp_enabled: false,
    ...tokenSettingsData(e.token),
    ttl: e.token.ttl,
    max_ttl: e.token.maxTtl,
    period: e.token.period,
  };
}

const clean = (xs: string[]) => xs.map((x) => x.trim()).filter((x) => x !== '');

async function write(req: EngineRequest<FieldValues<typeof certFields>>): Promise<undefined> {
  const d = req.data;
  const entryName = normaliseName(d.name);
  const current = await readCert(req.storage, entryName);
  const e: CertEntry = current ?? {
    name: entryName,
    certificate: '',
    displayName: '',
    allowedNames: [],
    allowedCommonNames: [],
    allowedDnsSans: [],
    allowedEmailSans: [],
    allowedUriSans: [],
    allowedOrganizationalUnits: [],
    requiredExtensions: [],
    allowedMetadataExtensions: [],
    token: defaultTokenSettings(),
  };
  if (d.ocsp_enabled === true) throw invalidRequest('ocsp is not supported by this server');
  if (d.certificate !== undefined) e.certificate = d.certificate;
  if (d.display_name !== undefined) e.displayName = d.display_name;
  if (d.allowed_names !== undefined) e.allowedNames = clean(d.allowed_names);
  if (d.allowed_common_names !== undefined) e.allowedCommonNames = clean(d.allowed_common_names);
  if (d.allowed_dns_sans !== undefined) e.allowedDnsSans = clean(d.allowed_dns_sans);
  if (d.allowed_email_sans !== undefined) e.allowedEmailSans = clean(d.allowed_email_sans);
  if (d.allowed_uri_sans !== undefined) e.allowedUriSans = clean(d.allowed_uri_sans);
  if (d.allowed_organizational_units !== undefined) e.allowedOrganizationalUnits = clean(d.allowed_organizational_units);
  if (d.required_extensions !== undefined) {
    const exts = clean(d.required_extensions);
    for (const x of exts) if (!/^\d+(\.\d+)+:/.test(x)) throw invalidRequest(`invalid required extension \`${x}\`: expected \`oid:value\``);
    e.requiredExtensions = exts;
  }
  if (d.allowed_metadata_extensions !== undefined) {
    const oids = clean(d.allowed_metadata_extensions);
    for (const x of oids) if (!/^\d+(\.\d+)+$/.test(x)) throw invalidRequest(`invalid extension oid \`${x}\``);
    e.allowedMetadataExtensions = oids;
  }
  e.token = applyTokenFields(e.token, d);
  if (e.displayName === '') e.displayName = entryName;
  const parsed = parsePem(e.certificate);
  if (parsed.length === 0) throw invalidRequest('failed to parse certificate');
  // Vault refuses a trusted leaf that could never pass a TLS client handshake.
  if (!parsed[0]!.isCA && !allowsClientAuth(parsed[0]!)) throw invalidRequest(CLIENT_AUTH_REQUIRED);
  await writeCert(req.storage, e);
  return undefined;
}

/** `auth/<mount>/certs*` (https://developer.hashicorp.com/vault/api-docs/auth/cert#create-ca-certificate-role). */
export const certPaths: readonly PathSpec[] = [
  definePath({
    pattern: 'certs/:name',
    fields: certFields,
    help: { synopsis: 'Manage trusted certificates used for authentication.' },
    authz: (req) => ({ action: req.operation, resource: resource(req) }),
    exists: async (req) => (await readCert(req.storage, normaliseName(req.data.name))) !== undefined,
    operations: {
      read: {
        summary: 'Read a trusted certificate entry.',
        handle: async (req) => {
          const e = await readCert(req.storage, normaliseName(req.data.name));
          if (!e) throw notFound();
          return { data: certData(e) };
        },
      },
      create: { summary: 'Trust a certificate.', handle: write },
      update: { summary: 'Update a trusted certificate entry.', handle: write },
      delete: {
        summary: 'Delete a trusted certificate entry.',
        handle: async (req) => {
          await deleteCert(req.storage, normaliseName(req.data.name));
          return undefined;
        },
      },
    },
  }),
  definePath({
    pattern: 'certs',
    fields: {},
    help: { synopsis: 'List trusted certificate entries.' },
    authz: (req) => ({ action: 'list', resource: `${req.mount.path}certs` }),
    operations: {
      list: {
        summary: 'List trusted certificate entries.',
        handle: async (req) => {
          const keys = await listCerts(req.storage);
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    },
  }),
];
