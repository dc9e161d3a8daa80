/**
 * The one place the PKI engine loads @peculiar/x509 and the ASN.1 schema packages it is built
 * on. The library resolves its algorithm providers through tsyringe, which needs
 * `reflect-metadata` loaded first (STYLE.md, "Dependency notes"), and it must use Node's
 * WebCrypto so keys made with `webcrypto.subtle` sign CSRs and CRLs directly.
 *
 * Certificates are assembled from @peculiar/asn1-x509's schema objects and serialized with
 * @peculiar/asn1-schema (cert-builder.ts), the same classes and serializer x509's own generator
 * uses; both resolve to the single copy in node_modules, so objects pass between them.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1X509 from '@peculiar/asn1-x509';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';

// INVARIANT: set before any certificate is built; every other PKI module imports x509 from here.
x509.cryptoProvider.set(webcrypto);

export { x509, asn1X509, AsnConvert, OctetString };
