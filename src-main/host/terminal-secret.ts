/**
 * Where the headless host (`npm run host -- serve`, `npm start`, browser mode) keeps the terminal key's secret
 * once a manager has enrolled the counter from the settings screen: the file `terminal-secret` in the host's
 * data directory, mode 0600 (owner only), written whole and renamed into place. Never the SQLite database
 * (it travels in rescue exports and backups), never a log. Plain Node has no OS keystore; a 0600 file beside
 * the database is the same trust boundary as the database itself (docs/app.md "Enrolment").
 *
 * Electron keeps it with `safeStorage` instead (src-main/electron/secret-store.ts); either way
 * `COUNTER_TERMINAL_SECRET` in the environment takes precedence when set.
 */
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';

export const TERMINAL_SECRET_FILE = 'terminal-secret';

/** Keeps the terminal's secret somewhere other than the database (a file, the OS keystore). */
export interface TerminalSecretKeeper {
  /** Said on the settings screen: where the secret is kept. */
  readonly where: 'file' | 'keystore';
  save(secret: string): Result<void, DomainError>;
  load(): Result<string | null, DomainError>;
}

export function terminalSecretPath(dataDir: string): string {
  return path.join(dataDir, TERMINAL_SECRET_FILE);
}

/** The 0600 file in the data directory (the headless host). */
export function fileSecretKeeper(dataDir: string): TerminalSecretKeeper {
  const file = terminalSecretPath(dataDir);
  const refused = (reason: string) =>
    domainError('SECRET_STORAGE_REFUSED', {
      secret: 'the terminal secret',
      reason,
      env: 'COUNTER_TERMINAL_SECRET',
    });
  return {
    where: 'file',
    save(secret) {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
        chmodSync(tmp, 0o600); // umask or an earlier file cannot widen it
        renameSync(tmp, file);
        return ok(undefined);
      } catch (e) {
        return err(refused(`${file} could not be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
      }
    },
    load() {
      if (!existsSync(file)) return ok(null);
      try {
        // Readable by others (copied in with a wide mode): refuse rather than use a secret others could read.
        if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0)
          return err(refused(`${file} is readable by other users; run \`chmod 600 ${file}\``));
        const v = readFileSync(file, 'utf8').trim();
        return ok(v === '' ? null : v);
      } catch (e) {
        return err(refused(`${file} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
      }
    },
  };
}
