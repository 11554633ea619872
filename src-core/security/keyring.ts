/**
 * Secrets at rest: API and terminal secrets are AES-256-GCM ciphertext under one master key. The core must
 * recompute each request's v1HMAC signature, so it needs the secret in clear at verification time, which rules
 * out a one-way hash (docs/core.md "Secrets"). The master key comes from `COUNTER_MASTER_KEY` (32 bytes, hex
 * or base64) or from `master.key` in the data directory, created with mode 0600 on first use.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Keyring {
  /** `aad` binds the ciphertext to its row (the key id), so a ciphertext copied to another row fails. */
  encrypt(plaintext: string, aad: string): string;
  decrypt(ciphertext: string, aad: string): string;
}

const FORMAT = 'v1';

export function createKeyring(masterKey: Uint8Array): Keyring {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes (AES-256)');
  const key = Buffer.from(masterKey);
  return {
    encrypt(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join(':');
    },
    decrypt(ciphertext, aad) {
      const [format, iv, tag, ct] = ciphertext.split(':');
      if (format !== FORMAT || !iv || !tag || ct === undefined) throw new Error('unknown secret format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

export function parseMasterKey(text: string): Uint8Array {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.length !== 32) {
    throw new Error('COUNTER_MASTER_KEY must be 32 bytes, written as 64 hex digits or base64');
  }
  return bytes;
}

/** The master key from the environment, or from (creating) `<dataDir>/master.key` with mode 0600. */
export function loadMasterKey(env: NodeJS.ProcessEnv, dataDir: string): { key: Uint8Array; source: string } {
  if (env.COUNTER_MASTER_KEY)
    return { key: parseMasterKey(env.COUNTER_MASTER_KEY), source: 'COUNTER_MASTER_KEY' };
  const file = path.join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // 'wx': never overwrite a key another process just created (that would orphan its ciphertexts).
    try {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { key: parseMasterKey(readFileSync(file, 'utf8')), source: file };
}
