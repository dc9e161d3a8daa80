import { definePath, type EngineResponse } from '../../framework/engine.js';
import { importSigningKey, signatureDigest, signWithKey } from './keys.js';
import { pkiResource, type PkiContext } from './pki-context.js';
import type { IssuerRecord, KeyRecord, PkiStore } from './pki-store.js';
import { parseSerial } from './serial.js';
import {
  encodeError,
  encodeResponseData,
  encodeSuccess,
  matchesIssuer,
  OCSP_STATUS,
  parseOcspRequest,
  signatureAlgorithmDer,
  type SingleResponse,
} from './ocsp-codec.js';
import { x509 } from './x509.js';

/**
 * The OCSP responder (RFC 6960): `GET ocsp/<base64 DER request>` and `POST ocsp`. Answers
 * good, revoked or unknown for certificates of this mount's issuers, signed by the issuer itself
 * (Vault's responder does the same; no delegated responder certificate).
 *
 * POST bodies: the HTTP layer parses bodies as JSON or form data, so a raw
 * `application/ocsp-request` body cannot reach an engine today. Until it can, POST accepts the
 * DER request base64-encoded in `ocsp_request` (the shape the HTTP layer should produce from an
 * `application/ocsp-request` body, see the report).
 */

/** Vault's default `ocsp_expiry`: how long a response may be cached. */
const OCSP_LIFETIME_MS = 12 * 3600 * 1000;

const ocspRaw = (body: Uint8Array, status = 200): EngineResponse => ({
  raw: { contentType: 'application/ocsp-response', body, status },
});

/** Answers one DER OCSP request. */
export async function answerOcsp(ctx: PkiContext, store: PkiStore, der: Uint8Array): Promise<EngineResponse> {
  const request = parseOcspRequest(der);
  if (!request) return ocspRaw(encodeError(OCSP_STATUS.malformedRequest), 400);
  const first = request.certIds[0]!;
  let found: { issuer: IssuerRecord; cert: x509.X509Certificate; key: KeyRecord } | undefined;
  for (const issuer of await store.issuers()) {
    const cert = new x509.X509Certificate(issuer.certificate);
    const key = issuer.keyId === '' ? undefined : await store.key(issuer.keyId);
    if (key && matchesIssuer(first, cert.subjectName.toArrayBuffer(), cert.publicKey.rawData)) {
      found = { issuer, cert, key };
      break;
    }
  }
  if (!found) return ocspRaw(encodeError(OCSP_STATUS.unauthorized), 401);

  const now = new Date(ctx.clock.now());
  const responses: SingleResponse[] = [];
  for (const certId of request.certIds) {
    const sameIssuer = matchesIssuer(certId, found.cert.subjectName.toArrayBuffer(), found.cert.publicKey.rawData);
    const serial = parseSerial(certId.serialHex);
    const stored = sameIssuer ? await store.cert(serial) : undefined;
    const revoked = stored ? await store.revocation(serial) : undefined;
    const status: SingleResponse['status'] =
      stored === undefined || stored.issuerId !== found.issuer.id
        ? { status: 'unknown' }
        : revoked
          ? { status: 'revoked', revokedAt: new Date(revoked.revocationTime * 1000) }
          : { status: 'good' };
    responses.push({ certId, status, thisUpdate: now, nextUpdate: new Date(now.getTime() + OCSP_LIFETIME_MS) });
  }

  // The request's nonce is not echoed, as Vault's responder does not: `openssl ocsp -respin …
  // -cert …` checks a response against a fresh nonce of its own and would fail on an echoed one.
  const tbs = encodeResponseData(found.cert.publicKey.rawData, now, responses);
  // ECDSA signatures come out DER-encoded, as OCSP wants (keys.ts, signWithKey).
  const signature = await signWithKey(importSigningKey(found.key.pkcs8), found.key, new Uint8Array(tbs));
  return ocspRaw(encodeSuccess(tbs, signatureAlgorithmDer(found.key.type, signatureDigest(found.key)), new Uint8Array(signature)));
}

/** Decodes base64 (standard or URL-safe, padded or not); undefined when it is not base64. */
function fromBase64(text: string): Uint8Array | undefined {
  const clean = text.trim();
  if (clean === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean, clean.includes('-') || clean.includes('_') ? 'base64url' : 'base64'));
}

export const pathOcsp = (ctx: PkiContext) =>
  definePath({
    pattern: ['ocsp', 'ocsp/:req+'],
    fields: {
      req: { type: 'string', description: 'GET: the DER OCSP request, base64 (RFC 6960 appendix A.1).' },
      ocsp_request: { type: 'string', description: 'POST: the DER OCSP request, base64.' },
    },
    authz: (req) => ({ action: 'read', resource: pkiResource(req.mount, 'certs') }),
    operations: {
      read: {
        summary: 'Answer an OCSP request given in the URL.',
        async handle(req) {
          const der = fromBase64(req.data.req ?? '');
          return der ? answerOcsp(ctx, ctx.store(req), der) : ocspRaw(encodeError(OCSP_STATUS.malformedRequest), 400);
        },
      },
      update: {
        summary: 'Answer an OCSP request given in the body.',
        async handle(req) {
          const der = fromBase64(req.data.ocsp_request ?? '');
          return der ? answerOcsp(ctx, ctx.store(req), der) : ocspRaw(encodeError(OCSP_STATUS.malformedRequest), 400);
        },
      },
    },
    help: { synopsis: 'OCSP responder for certificates of this mount (RFC 6960).' },
  });
