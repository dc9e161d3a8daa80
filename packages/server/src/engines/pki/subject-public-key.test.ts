import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateKeyPair, type KeySpec } from './keys.js';
import { keyIdentifier, publicKeyInfoDer } from './subject-public-key.js';
import { x509 } from './x509.js';

describe('pki subject public key', () => {
  const specs: KeySpec[] = [
    { type: 'ec', bits: 256 },
    { type: 'ec', bits: 384 },
    { type: 'ec', bits: 521 },
    { type: 'ed25519', bits: 0 },
  ];
  for (const spec of specs) {
    it(`assembles node's own SPKI and x509's key identifier for ${spec.type} ${spec.bits || ''} keys`, async () => {
      // The first key of a curve fills the AlgorithmIdentifier cache, the next ones use it.
      for (let i = 0; i < 3; i++) {
        const { privateKey, publicKeyInfo } = await generateKeyPair(spec);
        // A DER export, which is safe on a freshly generated key (keys.ts, generateKeyPair).
        const fromNode = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
        assert.deepEqual(publicKeyInfoDer(publicKeyInfo), fromNode);
        const expected = await x509.SubjectKeyIdentifierExtension.create(fromNode);
        assert.equal(keyIdentifier(publicKeyInfo).toString('hex'), expected.keyId);
      }
    });
  }
});
