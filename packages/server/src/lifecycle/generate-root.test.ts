import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { decodeRootToken, encodeRootToken, OTP_LENGTH } from './generate-root.js';
import { initializedVault, unsealWith } from './test-vault.js';

const is400 = (message: RegExp) => (err: unknown) =>
  err instanceof VaultError && err.status === 400 && message.test(err.message);
const TOKEN = 's.AbCdEfGhIjKlMnOpQrStUvWx';

describe('generate root', () => {
  async function unsealed() {
    const vault = await initializedVault(5, 3);
    await unsealWith(vault.manager, vault.keys.slice(0, 3));
    return vault;
  }

  it('reports no attempt before one is started', async () => {
    const { manager } = await unsealed();
    assert.deepEqual(await manager.generateRootStatus(), {
      started: false,
      nonce: '',
      progress: 0,
      required: 3,
      encoded_token: '',
      otp: '',
      otp_length: 26,
      complete: false,
      pgp_fingerprint: '',
    });
  });

  it('returns the new root token XORed with the one-time pad', async () => {
    const { manager, keys } = await unsealed();
    const attempt = await manager.generateRootInit();
    assert.equal(attempt.started, true);
    assert.equal(attempt.complete, false);
    assert.match(attempt.otp, /^[0-9A-Za-z]{26}$/);
    assert.equal(attempt.otp_length, OTP_LENGTH);
    assert.equal((await manager.generateRootStatus()).otp, '', 'the pad is shown only once');

    let minted = 0;
    const mint = async () => {
      minted++;
      return TOKEN;
    };
    assert.equal((await manager.generateRootUpdate(keys[1]!, attempt.nonce, mint)).progress, 1);
    await manager.generateRootUpdate(keys[2]!, attempt.nonce, mint);
    const done = await manager.generateRootUpdate(keys[4]!, attempt.nonce, mint);
    assert.equal(done.complete, true);
    assert.equal(minted, 1);
    assert.doesNotMatch(done.encoded_token, /=/);
    assert.notEqual(done.encoded_token, Buffer.from(TOKEN).toString('base64').replace(/=+$/, ''));
    assert.equal(decodeRootToken(done.encoded_token, attempt.otp), TOKEN);
    assert.equal((await manager.generateRootStatus()).started, false);
  });

  it('mints nothing when the shares are wrong', async () => {
    const { manager, keys } = await unsealed();
    const other = await initializedVault(5, 3);
    const { nonce } = await manager.generateRootInit();
    const mint = async () => assert.fail('must not mint a token');
    await manager.generateRootUpdate(keys[0]!, nonce, mint);
    await manager.generateRootUpdate(keys[1]!, nonce, mint);
    await assert.rejects(manager.generateRootUpdate(other.keys[2]!, nonce, mint), is400(/invalid key/));
    assert.equal((await manager.generateRootStatus()).progress, 0);
  });

  it('checks the nonce, duplicates and overlapping attempts, and cancels', async () => {
    const { manager, keys } = await unsealed();
    const mint = async () => TOKEN;
    await assert.rejects(manager.generateRootUpdate(keys[0]!, 'n', mint), is400(/no root generation in progress/));
    const { nonce } = await manager.generateRootInit();
    await assert.rejects(manager.generateRootInit(), is400(/already in progress/));
    await assert.rejects(manager.generateRootUpdate(keys[0]!, 'other', mint), is400(/incorrect nonce/));
    await manager.generateRootUpdate(keys[0]!, nonce, mint);
    await assert.rejects(manager.generateRootUpdate(keys[0]!, nonce, mint), is400(/already been provided/));
    await manager.generateRootCancel();
    assert.equal((await manager.generateRootStatus()).started, false);
  });

  it('encodes and decodes symmetrically and insists on matching lengths', () => {
    const otp = 'A'.repeat(26);
    assert.equal(decodeRootToken(encodeRootToken(TOKEN, otp), otp), TOKEN);
    assert.throws(() => encodeRootToken('s.short', otp), /length/);
  });
});
