/**
 * The one place the cert auth method loads @peculiar/x509 (STYLE.md, "Dependency notes"): its
 * DI container needs `reflect-metadata` first, and it must use Node's WebCrypto. The PKI engine
 * has its own loader; auth methods never import engines.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// INVARIANT: set before any certificate or CRL is parsed; every cert module imports x509 from here.
x509.cryptoProvider.set(webcrypto);

export { x509 };
