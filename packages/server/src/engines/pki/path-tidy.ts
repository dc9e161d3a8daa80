import { definePath } from '../../framework/engine.js';
import { rebuildAllCrls } from './crl-builder.js';
import { pkiResource, type PkiContext } from './pki-context.js';
import type { PkiStore } from './pki-store.js';
import { parseSerial } from './serial.js';

/**
 * `tidy` and `tidy-status`: removes certificates (and revocation entries) that expired more than
 * `safety_buffer` ago. As in Vault the run is asynchronous: `tidy` answers 202 at once and
 * `tidy-status` reports progress. One run at a time per mount.
 */

/** Vault's default safety buffer: 72h. */
const DEFAULT_SAFETY_BUFFER = 72 * 3600;

async function runTidy(ctx: PkiContext, store: PkiStore): Promise<void> {
  const status = ctx.tidy;
  const cutoff = ctx.clock.now() - status.safety_buffer * 1000;
  const issuerSerials = new Set((await store.issuers()).map((i) => i.serial));
  if (status.tidy_cert_store) {
    for (const key of await store.certKeys()) {
      const serial = parseSerial(key);
      const cert = await store.cert(serial);
      // INVARIANT: an issuer's own certificate stays while the issuer exists.
      if (!cert || issuerSerials.has(serial) || cert.notAfter >= cutoff) continue;
      await store.deleteCert(serial);
      status.cert_store_deleted_count++;
    }
  }
  if (status.tidy_revoked_certs) {
    let dropped = false;
    for (const rec of await store.revocations()) {
      if (rec.notAfter >= cutoff) continue;
      await store.deleteRevocation(rec.serial);
      await store.deleteCert(rec.serial);
      status.revoked_cert_deleted_count++;
      dropped = true;
    }
    if (dropped) await rebuildAllCrls(ctx, store);
  }
}

export const pathTidy = (ctx: PkiContext) =>
  definePath({
    pattern: 'tidy',
    fields: {
      tidy_cert_store: { type: 'bool', description: 'Remove expired certificates from storage.', default: false },
      tidy_revoked_certs: { type: 'bool', description: 'Remove expired certificates from the revocation list and the CRL.', default: false },
      safety_buffer: { type: 'duration', description: 'How long after expiry a certificate is kept (default 72h).', default: DEFAULT_SAFETY_BUFFER },
    },
    authz: (req) => ({ action: 'configure', resource: pkiResource(req.mount, 'config') }),
    operations: {
      update: {
        summary: 'Start a tidy run.',
        async handle(req) {
          const d = req.data;
          if (ctx.tidy.state === 'Running') {
            return { data: null, warnings: ['a tidy operation is already running'], status: 202 };
          }
          const nowIso = () => new Date(ctx.clock.now()).toISOString();
          ctx.tidy = {
            state: 'Running',
            time_started: nowIso(),
            time_finished: null,
            cert_store_deleted_count: 0,
            revoked_cert_deleted_count: 0,
            error: null,
            safety_buffer: d.safety_buffer,
            tidy_cert_store: d.tidy_cert_store,
            tidy_revoked_certs: d.tidy_revoked_certs,
          };
          const store = ctx.store(req);
          ctx.tidyRun = runTidy(ctx, store).then(
            () => {
              ctx.tidy.state = 'Finished';
              ctx.tidy.time_finished = nowIso();
            },
            (err: unknown) => {
              ctx.tidy.state = 'Error';
              ctx.tidy.error = err instanceof Error ? err.message : 'tidy failed';
              ctx.tidy.time_finished = nowIso();
            },
          );
          return {
            status: 202,
            data: null,
            warnings: ['tidy operation successfully started; poll tidy-status for its outcome'],
          };
        },
      },
    },
    help: { synopsis: 'Remove expired certificates from storage and from the CRL.' },
  });

export const pathTidyStatus = (ctx: PkiContext) =>
  definePath({
    pattern: 'tidy-status',
    fields: {},
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, 'config') }),
    operations: {
      read: {
        summary: 'Report the last tidy run.',
        async handle() {
          return { data: { ...ctx.tidy } };
        },
      },
    },
    help: { synopsis: 'The state and counters of the current or last tidy run.' },
  });
