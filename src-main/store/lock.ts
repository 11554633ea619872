/**
 * One host process per data directory: two hosts on one database would push the same outbox twice and
 * interleave terminal commands. The lock is a file created exclusively (O_EXCL) holding the owner's pid;
 * a lock whose process is gone (crash, SIGKILL) is taken over, since a dead process cannot hold anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';

export const LOCK_FILE = 'host.lock';

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // vanished or unreadable between our attempts: treated as no holder
  }
}

export function acquireDataDirLock(dataDir: string, pid = process.pid): Result<DataDirLock, DomainError> {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(pid));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      let released = false;
      return ok({
        file,
        release: () => {
          if (released) return;
          released = true;
          if (readHolder(file) === pid) fs.rmSync(file, { force: true });
        },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      if (holder === pid) {
        return err(domainError('STORE_LOCKED', { pid, dir: dataDir }));
      }
      if (holder !== null && processAlive(holder)) {
        return err(domainError('STORE_LOCKED', { pid: holder, dir: dataDir }));
      }
      // A dead holder's (or an empty, half-written) lock: take it over. Renaming a fresh file over it is
      // atomic, so of two hosts racing for the takeover only the one whose pid is read back proceeds.
      const mine = `${file}.${pid}`;
      fs.writeFileSync(mine, String(pid));
      fs.renameSync(mine, file);
      if (readHolder(file) === pid) {
        fs.rmSync(file, { force: true });
        continue; // retake it through the exclusive create, the one path that hands out the lock
      }
    }
  }
  return err(domainError('STORE_LOCKED', { pid: readHolder(file) ?? 'unknown', dir: dataDir }));
}
