/**
 * The counter's secrets (the terminal key's secret for the core) kept on disk encrypted by the operating
 * system's keystore through Electron's `safeStorage` (issue 10 "Shell"). Pure apart from the file it is
 * given: the shell passes Electron's `safeStorage`, tests a stand-in.
 *
 * Refuses to store a secret where it would be readable by anyone who copies the file:
 * - `safeStorage.isEncryptionAvailable()` is false (no keystore at all);
 * - on Linux, `getSelectedStorageBackend()` is `basic_text` (Electron's hard-coded key, i.e. plain text in
 *   effect) or `unknown`.
 * The headless host never uses this: it takes the secret from the environment (`COUNTER_TERMINAL_SECRET`) or
 * the 0600 file an enrolment from the settings screen wrote (src-main/host/terminal-secret.ts).
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';

/** The part of Electron's `safeStorage` this module uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only (Electron ≥ 28); undefined elsewhere. */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SecretStore {
  /** Null when secrets can be kept here, else why not (shown to the person starting the app). */
  refusal(): DomainError | null;
  save(name: string, value: string): Result<void, DomainError>;
  /** Null when nothing is stored under the name. */
  load(name: string): Result<string | null, DomainError>;
}

/** Linux backends that do not protect the secret: the data would be as good as plain text. */
const PLAIN_TEXT_BACKENDS = new Set(['basic_text', 'unknown']);

export function createSecretStore(o: {
  safeStorage: SafeStorageLike;
  /** The file holding the encrypted secrets (0600, in the app's user-data directory). */
  file: string;
  platform?: NodeJS.Platform;
  /** The environment variable that replaces the store, named in the refusal. */
  env?: string;
}): SecretStore {
  const platform = o.platform ?? process.platform;
  const refused = (name: string, reason: string) =>
    domainError('SECRET_STORAGE_REFUSED', {
      secret: name,
      reason,
      env: o.env ?? 'COUNTER_TERMINAL_SECRET',
    });

  const refusal = (name = 'secrets'): DomainError | null => {
    if (!o.safeStorage.isEncryptionAvailable())
      return refused(name, 'the system keystore is not available to encrypt it');
    if (platform === 'linux') {
      const backend = o.safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      if (PLAIN_TEXT_BACKENDS.has(backend))
        return refused(
          name,
          `the system keyring backend is "${backend}", which would keep it as plain text (install and unlock ` +
            'a keyring such as GNOME Keyring or KWallet)',
        );
    }
    return null;
  };

  const readAll = (): Result<Record<string, string>, DomainError> => {
    if (!existsSync(o.file)) return ok({});
    try {
      const parsed: unknown = JSON.parse(readFileSync(o.file, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        return err(refused('secrets', `${o.file} is not a secrets file; remove it and enrol again`));
      return ok(parsed as Record<string, string>);
    } catch (e) {
      return err(refused('secrets', `${o.file} cannot be read (${(e as Error).message})`));
    }
  };

  return {
    refusal: () => refusal(),
    save(name, value) {
      const no = refusal(name);
      if (no) return err(no);
      const all = readAll();
      if (!all.ok) return all;
      const next = { ...all.value, [name]: o.safeStorage.encryptString(value).toString('base64') };
      // Written whole and renamed into place, so a crash never leaves half a file; 0600 before the rename.
      const tmp = `${o.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(next), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, o.file);
      return ok(undefined);
    },
    load(name) {
      const all = readAll();
      if (!all.ok) return all;
      const stored = all.value[name];
      if (stored === undefined) return ok(null);
      const no = refusal(name);
      if (no) return err(no);
      try {
        return ok(o.safeStorage.decryptString(Buffer.from(stored, 'base64')));
      } catch {
        return err(
          refused(
            name,
            'it was stored under another user or keyring and cannot be decrypted here; enrol the counter again',
          ),
        );
      }
    },
  };
}
