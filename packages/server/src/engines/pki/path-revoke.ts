import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { rebuildCrl } from './crl-builder.js';
import { parseCertificates } from './issuer-ops.js';
import { pkiResource, unixSeconds, type PkiContext } from './pki-context.js';
import { colonSerial, parseSerial } from './serial.js';

/**
 * `revoke`: records a revocation for a stored certificate and rebuilds its issuer's CRL.
 * Revoking twice returns the first revocation time; an issuer's own certificate is refused, as
 * in Vault (revoke an issuer with `issuer/:ref/revoke` there, not supported here).
 */
export const pathRevoke = (ctx: PkiContext) =>
  definePath({
    pattern: 'revoke',
    fields: {
      serial_number: { type: 'string', description: 'The serial to revoke (`xx:xx:…` or `xx-xx-…`).' },
      certificate: { type: 'string', description: 'The PEM certificate to revoke, instead of serial_number.' },
    },
    authz: (req) => ({ action: 'revoke', resource: pkiResource(req.mount, `certs/${colonSerialOf(req.data)}`) }),
    operations: {
      update: {
        summary: 'Revoke a certificate.',
        async handle(req) {
          const serial = serialOf(req.data);
          if (serial === undefined) throw invalidRequest('exactly one of serial_number or certificate must be given');
          const store = ctx.store(req);
          const cert = await store.cert(serial);
          if (!cert) throw invalidRequest(`certificate with serial \`${colonSerial(serial)}\` not found`);
          if (req.data.certificate !== undefined && cert.certificate.replace(/\s/g, '') !== req.data.certificate.trim().replace(/\s/g, '')) {
            throw invalidRequest('the certificate does not match the stored certificate with its serial');
          }
          if ((await store.issuers()).some((i) => i.serial === serial)) {
            throw invalidRequest('revoking an issuer certificate through revoke is not allowed');
          }
          const existing = await store.revocation(serial);
          if (existing) return revoked(existing.revocationTime);
          const now = ctx.clock.now();
          if (cert.notAfter < now) {
            return { data: { state: 'expired' }, warnings: ['the certificate has expired; it was not added to the crl'] };
          }
          const revocationTime = unixSeconds(now);
          await store.putRevocation({ serial, issuerId: cert.issuerId, revocationTime, notAfter: cert.notAfter });
          const issuer = await store.issuer(cert.issuerId);
          if (issuer) await rebuildCrl(ctx, store, issuer);
          return revoked(revocationTime);
        },
      },
    },
    help: { synopsis: 'Revoke a certificate by serial number (or PEM) and rebuild the CRL.' },
  });

const revoked = (seconds: number) => ({
  data: { revocation_time: seconds, revocation_time_rfc3339: new Date(seconds * 1000).toISOString(), state: 'revoked' },
});

const colonSerialOf = (d: Parameters<typeof serialOf>[0]): string => {
  const serial = serialOf(d);
  return serial === undefined ? '' : colonSerial(serial);
};

/** The serial named by the request: `serial_number` xor `certificate`; undefined when neither or both. */
function serialOf(d: { serial_number?: string | undefined; certificate?: string | undefined }): string | undefined {
  if ((d.serial_number === undefined) === (d.certificate === undefined)) return undefined;
  if (d.serial_number !== undefined) return parseSerial(d.serial_number);
  const [cert] = parseCertificates(d.certificate!);
  return parseSerial(cert!.serialNumber);
}
