import { definePath } from '../../framework/engine.js';
import { VaultError } from '../../errors.js';
import { pkiResource, type PkiContext } from './pki-context.js';
import { colonSerial, parseSerial } from './serial.js';

/** `cert/:serial` (JSON, unauthenticated), `certs` LIST and `certs/revoked` LIST. */

export const pathCert = (ctx: PkiContext) =>
  definePath({
    pattern: 'cert/:serial',
    fields: { serial: { type: 'string', description: 'The serial (`xx:xx:…` or `xx-xx-…`), or `ca` for the default issuer.', required: true } },
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, `certs/${safeColon(req.data.serial)}`) }),
    operations: {
      read: {
        summary: 'Read a certificate and its revocation state.',
        async handle(req) {
          const store = ctx.store(req);
          if (req.data.serial === 'ca') {
            const issuer = await store.resolveIssuer('default');
            return { data: { certificate: issuer.certificate, revocation_time: 0, revocation_time_rfc3339: '', issuer_id: issuer.id } };
          }
          const serial = parseSerial(req.data.serial);
          const cert = await store.cert(serial);
          if (!cert) throw new VaultError('not_found', '');
          const revoked = await store.revocation(serial);
          return {
            data: {
              certificate: cert.certificate,
              serial_number: colonSerial(serial),
              issuer_id: cert.issuerId,
              revocation_time: revoked?.revocationTime ?? 0,
              revocation_time_rfc3339: revoked ? new Date(revoked.revocationTime * 1000).toISOString() : '',
            },
          };
        },
      },
    },
    help: { synopsis: 'Read a certificate by serial number.' },
  });

export const pathCertsList = (ctx: PkiContext) =>
  definePath({
    pattern: ['certs', 'certs/revoked'],
    fields: {},
    authz: (req) => ({ action: 'list', resource: pkiResource(req.mount, 'certs') }),
    operations: {
      list: {
        summary: 'List certificate serial numbers.',
        async handle(req) {
          const store = ctx.store(req);
          const stored = req.path.startsWith('certs/revoked')
            ? (await store.revocations()).map((r) => colonSerial(r.serial))
            : (await store.certKeys()).map((k) => k.replace(/-/g, ':'));
          if (stored.length === 0) throw new VaultError('not_found', '');
          return { data: { keys: stored.sort() } };
        },
      },
    },
    help: { synopsis: 'List stored (or revoked) certificates by serial number, as `xx:xx:…`.' },
  });

/** The colon form of a serial for a Cedar resource, or the input when it is not a serial. */
function safeColon(input: string): string {
  try {
    return colonSerial(parseSerial(input));
  } catch {
    return input;
  }
}
