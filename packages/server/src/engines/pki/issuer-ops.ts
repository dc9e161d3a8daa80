import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import { certPem } from './cert-builder.js';
import type { SubjectAltNames } from './cert-extensions.js';
import { rebuildCrl } from './crl-builder.js';
import { checkName } from './ca-fields.js';
import type { PkiContext } from './pki-context.js';
import type { IssuerRecord, PkiStore } from './pki-store.js';
import { parseSerial } from './serial.js';
import { x509 } from './x509.js';

/**
 * Registers a CA certificate as an issuer of this mount: stores it, records its certificate
 * like any other (so `cert/:serial` finds it), makes it the default issuer when there is none
 * (as Vault does for the first issuer) and writes its first, empty CRL.
 */
export async function registerIssuer(
  ctx: PkiContext,
  store: PkiStore,
  params: { certificate: x509.X509Certificate; keyId: string; name: string; parents: string[] },
): Promise<IssuerRecord> {
  checkName('issuer', params.name);
  if (params.name !== '' && (await store.issuers()).some((i) => i.name === params.name)) {
    throw invalidRequest(`issuer name \`${params.name}\` already in use`);
  }
  const serial = parseSerial(params.certificate.serialNumber);
  const issuer: IssuerRecord = {
    id: randomUUID(),
    name: params.name,
    keyId: params.keyId,
    certificate: certPem(params.certificate.rawData),
    parents: params.parents,
    serial,
    notAfter: params.certificate.notAfter.getTime(),
  };
  await store.putIssuer(issuer);
  await store.putCert({ serial, certificate: issuer.certificate, issuerId: issuer.id, notAfter: issuer.notAfter });
  if ((await store.defaultIssuerId()) === undefined) await store.setDefaultIssuer(issuer.id);
  await rebuildCrl(ctx, store, issuer);
  return issuer;
}

/** The fields Vault returns about an issuer (`issuer/:ref` read). */
export async function describeIssuer(store: PkiStore, issuer: IssuerRecord): Promise<Record<string, unknown>> {
  const urls = await store.urls();
  return {
    issuer_id: issuer.id,
    issuer_name: issuer.name,
    key_id: issuer.keyId,
    certificate: issuer.certificate,
    ca_chain: [issuer.certificate, ...issuer.parents],
    serial_number: issuer.serial.match(/../g)!.join(':'),
    leaf_not_after_behavior: 'err',
    usage: 'crl-signing,issuing-certificates,ocsp-signing,read-only',
    manual_chain: null,
    issuing_certificates: [...urls.issuing_certificates],
    crl_distribution_points: [...urls.crl_distribution_points],
    ocsp_servers: [...urls.ocsp_servers],
    is_default: (await store.defaultIssuerId()) === issuer.id,
  };
}

/** Splits a PEM bundle into certificates, refusing anything that does not parse (400). */
export function parseCertificates(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw invalidRequest('no certificate found in the pem bundle');
  return blocks.map((block) => {
    try {
      return new x509.X509Certificate(block);
    } catch {
      throw invalidRequest('a certificate in the pem bundle could not be parsed');
    }
  });
}

/** Parses a PEM CSR and checks its self-signature (400 when either fails). */
export async function parseCsr(pem: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.trim());
  } catch {
    throw invalidRequest('the csr could not be parsed');
  }
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw invalidRequest('the csr signature is invalid');
  return csr;
}

/** The SANs a CSR requests in its extension request attribute. */
export function csrSans(csr: x509.Pkcs10CertificateRequest): SubjectAltNames {
  // CSRs return extensions untyped: re-read the SAN extension from its DER.
  const raw = csr.getExtension('2.5.29.17');
  const items = raw ? new x509.SubjectAlternativeNameExtension(raw.rawData).names.items : [];
  const of = (type: string) => items.filter((n) => n.type === type).map((n) => n.value);
  return { dns: of('dns'), ip: of('ip'), uri: of('url'), email: of('email') };
}
