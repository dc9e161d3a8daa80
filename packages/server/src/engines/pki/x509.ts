/**
 * The one place the PKI engine loads @peculiar/x509. The library resolves its algorithm
 * providers through tsyringe, which needs `reflect-metadata` loaded first (STYLE.md,
 * "Dependency notes"), and it must use Node's WebCrypto so keys made with `webcrypto.subtle`
 * sign certificates, CSRs and CRLs directly.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// INVARIANT: set before any certificate is built; every other PKI module imports x509 from here.
x509.cryptoProvider.set(webcrypto);

export { x509 };
