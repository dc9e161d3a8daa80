/**
 * Opens the file's 32-byte data key from its age stanzas with the caller's identities, using
 * typage (`age-encryption`). Each `sops.age[i].enc` is a complete armored age file whose payload
 * is the data key; the first stanza any identity opens wins, as in SOPS.
 */
import { Decrypter, armor } from 'age-encryption';
import { SopsFormatError, SopsNoMatchingKeyError } from './errors.js';

const DATA_KEY_BYTES = 32;

export async function openDataKey(stanzas: readonly string[], identities: readonly string[]): Promise<Uint8Array> {
  if (stanzas.length === 0) {
    throw new SopsNoMatchingKeyError('the file has no age stanza (pgp, kms and vault keys are not supported)');
  }
  if (identities.length === 0) throw new SopsNoMatchingKeyError('no age identity was given');
  const decrypter = new Decrypter();
  identities.forEach((identity, i) => {
    try {
      decrypter.addIdentity(identity);
    } catch {
      throw new SopsFormatError(`age identity ${i + 1} is not an \`AGE-SECRET-KEY-1…\` key`);
    }
  });
  for (const stanza of stanzas) {
    let file: Uint8Array;
    try {
      file = armor.decode(stanza);
    } catch {
      throw new SopsFormatError('an age stanza in the sops metadata is not an armored age file');
    }
    let key: Uint8Array;
    try {
      key = await decrypter.decrypt(file);
    } catch {
      // Not addressed to our identities (or damaged): try the next stanza.
      continue;
    }
    if (key.length !== DATA_KEY_BYTES) throw new SopsFormatError('an age stanza does not hold a 32-byte data key');
    return key;
  }
  throw new SopsNoMatchingKeyError(`no given age identity opens any of the file's ${stanzas.length} age stanzas`);
}
