import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';

/**
 * OCSP (RFC 6960) request parsing and response encoding. @peculiar/asn1-ocsp is not installed,
 * and asn1-schema's decorators need `experimentalDecorators`, which this package does not
 * enable; so the structures are walked and built with asn1js, the ASN.1 library @peculiar/x509
 * itself stands on. Nothing here signs: the caller passes the signature in.
 */

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const ID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

/** One CertID of a request: how to find the issuer, the serial, and its DER to echo back. */
export interface OcspCertId {
  hash: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Plain hex, as the INTEGER's content octets. */
  serialHex: string;
  der: ArrayBuffer;
}

export interface OcspRequest {
  certIds: OcspCertId[];
  /** The nonce extension's value (the OCTET STRING inside extnValue), echoed in the response. */
  nonce?: ArrayBuffer;
}

/** Response status codes (RFC 6960 §4.2.1). */
export const OCSP_STATUS = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, unauthorized: 6 } as const;

const isContext = (el: asn1js.AsnType, tag: number) => el.idBlock.tagClass === 3 && el.idBlock.tagNumber === tag;
const children = (el: asn1js.AsnType | undefined): asn1js.AsnType[] =>
  el instanceof asn1js.Constructed || el instanceof asn1js.Sequence ? (el.valueBlock.value as asn1js.AsnType[]) : [];

/** Parses a DER OCSPRequest; returns undefined when it is malformed. */
export function parseOcspRequest(der: Uint8Array): OcspRequest | undefined {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return undefined;
  const tbs = children(parsed.result)[0];
  if (!(tbs instanceof asn1js.Sequence)) return undefined;
  const parts = children(tbs);
  const list = parts.find((p) => p instanceof asn1js.Sequence);
  const certIds: OcspCertId[] = [];
  for (const request of children(list)) {
    const certId = children(request)[0];
    const [alg, nameHash, keyHash, serial] = children(certId);
    const oid = children(alg)[0];
    if (!(oid instanceof asn1js.ObjectIdentifier) || !(nameHash instanceof asn1js.OctetString)) return undefined;
    if (!(keyHash instanceof asn1js.OctetString) || !(serial instanceof asn1js.Integer)) return undefined;
    const hash = HASHES[oid.valueBlock.toString()];
    if (hash === undefined) return undefined;
    certIds.push({
      hash,
      issuerNameHash: Buffer.from(nameHash.valueBlock.valueHexView),
      issuerKeyHash: Buffer.from(keyHash.valueBlock.valueHexView),
      serialHex: Buffer.from(serial.valueBlock.valueHexView).toString('hex'),
      der: certId!.toBER(),
    });
  }
  if (certIds.length === 0) return undefined;
  const extensions = parts.find((p) => isContext(p, 2));
  let nonce: ArrayBuffer | undefined;
  for (const ext of children(children(extensions)[0])) {
    const [id, ...rest] = children(ext);
    const value = rest.at(-1);
    if (id instanceof asn1js.ObjectIdentifier && id.valueBlock.toString() === ID_PKIX_OCSP_NONCE && value instanceof asn1js.OctetString) {
      nonce = value.valueBlock.valueHexView.slice().buffer;
    }
  }
  return nonce === undefined ? { certIds } : { certIds, nonce };
}

/** Whether `certId` names the issuer with this subject DER and SubjectPublicKeyInfo DER. */
export function matchesIssuer(certId: OcspCertId, subjectDer: ArrayBuffer, spkiDer: ArrayBuffer): boolean {
  const h = (data: Uint8Array) => createHash(certId.hash).update(data).digest();
  return h(new Uint8Array(subjectDer)).equals(certId.issuerNameHash) && h(publicKeyBits(spkiDer)).equals(certId.issuerKeyHash);
}

/** The subjectPublicKey BIT STRING contents of an SPKI (what OCSP key hashes cover). */
export function publicKeyBits(spkiDer: ArrayBuffer): Uint8Array {
  const [, bits] = children(asn1js.fromBER(spkiDer).result);
  return bits instanceof asn1js.BitString ? bits.valueBlock.valueHexView : new Uint8Array();
}

export type CertStatus = { status: 'good' } | { status: 'unknown' } | { status: 'revoked'; revokedAt: Date };

export interface SingleResponse {
  certId: OcspCertId;
  status: CertStatus;
  thisUpdate: Date;
  nextUpdate: Date;
}

const time = (d: Date) => new asn1js.GeneralizedTime({ valueDate: new Date(Math.floor(d.getTime() / 1000) * 1000) });

function certStatus(s: CertStatus): asn1js.AsnType {
  if (s.status === 'revoked') return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [time(s.revokedAt)] });
  return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: s.status === 'good' ? 0 : 2 } });
}

/** The DER ResponseData to sign: responder by key hash (SHA-1 of the issuer's key bits). */
export function encodeResponseData(responderSpki: ArrayBuffer, producedAt: Date, responses: SingleResponse[], nonce?: ArrayBuffer): ArrayBuffer {
  const keyHash = createHash('sha1').update(publicKeyBits(responderSpki)).digest();
  const value: asn1js.AsnType[] = [
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.OctetString({ valueHex: keyHash })] }),
    time(producedAt),
    new asn1js.Sequence({
      value: responses.map(
        (r) =>
          new asn1js.Sequence({
            value: [
              asn1js.fromBER(r.certId.der).result,
              certStatus(r.status),
              time(r.thisUpdate),
              new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [time(r.nextUpdate)] }),
            ],
          }),
      ),
    }),
  ];
  if (nonce) {
    const ext = new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: ID_PKIX_OCSP_NONCE }), new asn1js.OctetString({ valueHex: nonce })],
    });
    value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.Sequence({ value: [ext] })] }));
  }
  return new asn1js.Sequence({ value }).toBER();
}

/** A successful OCSPResponse around a signed BasicOCSPResponse. */
export function encodeSuccess(responseData: ArrayBuffer, signatureAlgorithm: ArrayBuffer, signature: Uint8Array): Uint8Array {
  const basic = new asn1js.Sequence({
    value: [asn1js.fromBER(responseData).result, asn1js.fromBER(signatureAlgorithm).result, new asn1js.BitString({ valueHex: signature })],
  }).toBER();
  const bytes = new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 0 },
    value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: ID_PKIX_OCSP_BASIC }), new asn1js.OctetString({ valueHex: basic })] })],
  });
  return new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Enumerated({ value: OCSP_STATUS.successful }), bytes] }).toBER());
}

/** An OCSPResponse carrying only an error status (no responseBytes). */
export function encodeError(status: number): Uint8Array {
  return new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Enumerated({ value: status })] }).toBER());
}

/** The DER AlgorithmIdentifier of a signature: ECDSA/SHA-2, sha256WithRSAEncryption or Ed25519. */
export function signatureAlgorithmDer(keyType: string, hash: string | null): ArrayBuffer {
  const ecdsa: Record<string, string> = { sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' };
  const value: asn1js.AsnType[] =
    keyType === 'ec'
      ? [new asn1js.ObjectIdentifier({ value: ecdsa[hash ?? 'sha256']! })]
      : keyType === 'rsa'
        ? [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.1.11' }), new asn1js.Null()]
        : [new asn1js.ObjectIdentifier({ value: '1.3.101.112' })];
  return new asn1js.Sequence({ value }).toBER();
}
