/**
 * The shell's secret store over a stand-in for Electron's safeStorage (no Electron binary on these machines;
 * the stand-in encrypts with AES-GCM like the OS keystores do, so "not in plain text" is a real check).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretStore, type SafeStorageLike } from '../../../src-main/electron/secret-store';

function standInSafeStorage(backend: string, available = true): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(b) {
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const SECRET = 'tk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const fileIn = () => path.join(mkdtempSync(path.join(tmpdir(), 'counter-secrets-')), 'secrets.json');

describe('secret store over safeStorage (stand-in: no Electron binary here)', () => {
  it('keeps the terminal secret encrypted in a file only its user can read, and gives it back', () => {
    const file = fileIn();
    const store = createSecretStore({
      safeStorage: standInSafeStorage('gnome_libsecret'),
      file,
      platform: 'linux',
    });
    expect(store.refusal()).toBeNull();
    expect(store.save('terminal secret', SECRET).ok).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET.slice(8, 24));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.load('terminal secret')).toEqual({ ok: true, value: SECRET });
    expect(store.load('something else')).toEqual({ ok: true, value: null });
  });

  it.each(['basic_text', 'unknown'])(
    'refuses to store anything where the Linux keyring backend is %s (plain text in effect)',
    (backend) => {
      const file = fileIn();
      const store = createSecretStore({ safeStorage: standInSafeStorage(backend), file, platform: 'linux' });
      const r = store.save('terminal secret', SECRET);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('SECRET_STORAGE_REFUSED');
      expect(r.error.message).toContain(`"${backend}"`);
      expect(r.error.message).toContain('COUNTER_TERMINAL_SECRET');
      expect(() => statSync(file)).toThrow();
    },
  );

  it('refuses where no keystore is available at all, on any platform', () => {
    const store = createSecretStore({
      safeStorage: standInSafeStorage('gnome_libsecret', false),
      file: fileIn(),
      platform: 'win32',
    });
    const r = store.save('terminal secret', SECRET);
    expect(r.ok ? null : r.error.message).toMatch(/keystore is not available/);
  });

  it('says to enrol again when the file was written under another keyring', () => {
    const file = fileIn();
    createSecretStore({ safeStorage: standInSafeStorage('kwallet5'), file, platform: 'linux' }).save(
      'k',
      SECRET,
    );
    const other = createSecretStore({ safeStorage: standInSafeStorage('kwallet5'), file, platform: 'linux' });
    const r = other.load('k');
    expect(r.ok ? null : r.error.message).toMatch(/cannot be decrypted here; enrol the counter again/);
  });

  it('names a damaged secrets file instead of failing obscurely', () => {
    const file = fileIn();
    writeFileSync(file, '{not json');
    const r = createSecretStore({
      safeStorage: standInSafeStorage('kwallet5'),
      file,
      platform: 'linux',
    }).load('k');
    expect(r.ok ? null : r.error.message).toContain(file);
  });
});
