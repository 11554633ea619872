/**
 * The encrypted rescue file: for a counter that must be replaced while offline, everything it has not had
 * acknowledged by the core, readable only with the passphrase. AES-256-GCM (the tag also proves the file was
 * not altered) with a key derived from the passphrase by scrypt and a random salt; the IV is random per file.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import { importRescueSnapshot, rescueSnapshot, type RescueSnapshot, type StoreDb } from '../store';

const KDF = { N: 1 << 15, r: 8, p: 1 };

interface RescueEnvelope {
  readonly format: 'counter-rescue';
  readonly version: 1;
  readonly kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  readonly cipher: 'aes-256-gcm';
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

function key(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase, salt, 32, { ...kdf, maxmem: 128 * 1024 * 1024 });
}

export function encryptRescue(snapshot: RescueSnapshot, passphrase: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(passphrase, salt, KDF), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(snapshot), 'utf8'), cipher.final()]);
  const envelope: RescueEnvelope = {
    format: 'counter-rescue',
    version: 1,
    kdf: { name: 'scrypt', ...KDF, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return JSON.stringify(envelope);
}

export function decryptRescue(text: string, passphrase: string): Result<RescueSnapshot, DomainError> {
  let e: RescueEnvelope;
  try {
    e = JSON.parse(text) as RescueEnvelope;
  } catch {
    return err(domainError('RESCUE_FILE_INVALID', { reason: 'it is not JSON' }));
  }
  if (
    e?.format !== 'counter-rescue' ||
    e.version !== 1 ||
    e.cipher !== 'aes-256-gcm' ||
    e.kdf?.name !== 'scrypt'
  ) {
    return err(domainError('RESCUE_FILE_INVALID', { reason: 'unknown format or version' }));
  }
  try {
    const d = createDecipheriv(
      'aes-256-gcm',
      key(passphrase, Buffer.from(e.kdf.salt, 'base64'), e.kdf),
      Buffer.from(e.iv, 'base64'),
    );
    d.setAuthTag(Buffer.from(e.tag, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(e.data, 'base64')), d.final()]).toString('utf8');
    const snap = JSON.parse(plain) as RescueSnapshot;
    if (snap.format !== 'counter-rescue-v1')
      return err(domainError('RESCUE_FILE_INVALID', { reason: 'unknown content version' }));
    return ok(snap);
  } catch {
    // GCM refuses a wrong key and any altered byte alike: the two cannot be told apart, by design.
    return err(domainError('RESCUE_PASSPHRASE_WRONG'));
  }
}

export function exportRescue(
  db: StoreDb,
  passphrase: string,
  at: Date,
): Result<{ file: string; messages: number }, DomainError> {
  if (passphrase.length < 8)
    return err(
      domainError('CHECKOUT_INVALID', { reason: 'the rescue passphrase needs at least 8 characters' }),
    );
  const snap = rescueSnapshot(db, at);
  return ok({ file: encryptRescue(snap, passphrase), messages: snap.messages.length });
}

export function importRescue(
  db: StoreDb,
  text: string,
  passphrase: string,
): Result<{ queued: number; skipped: number; orders: number }, DomainError> {
  const snap = decryptRescue(text, passphrase);
  if (!snap.ok) return snap;
  return ok(importRescueSnapshot(db, snap.value));
}
