/**
 * One process per PGlite data directory. PGlite is an embedded database: two processes that open one
 * directory each keep their own copy of the pages in memory, so the second one's writes are invisible to the
 * first and, once both write, the files on disk are broken (`core failed to start: Aborted()` ever after).
 *
 * `core.lock` in the data directory names the process that has it open (pid, role, host). It is created
 * atomically (a complete file hard-linked into place, so a reader never sees it half written); a lock whose
 * process is gone (crash, kill -9) is taken over. While a core serves the directory it also publishes
 * `admin.json` (mode 0600): the loopback URL and a per-start token with which a CLI command runs inside that
 * core instead of opening the directory itself (src-core/admin/routes.ts).
 *
 * PostgreSQL needs none of this: any number of processes share one database.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'core.lock';
export const ADMIN_FILE = 'admin.json';

export interface LockHolder {
  pid: number;
  /** A serving core, or a one-off CLI command (which holds the directory for seconds). */
  role: 'server' | 'command';
  hostname: string;
  startedAt: string;
}

/** Where a serving core takes CLI commands (loopback only), and the token that proves the caller may read the data dir. */
export interface AdminEndpoint {
  pid: number;
  url: string;
  token: string;
}

/** holder null: another process is taking over a stale lock right now; try again in a moment. */
export type LockAttempt = { ok: true; release(): void } | { ok: false; holder: LockHolder | null };

/** True while the process exists (EPERM: it exists but belongs to another user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // A lock file that is not JSON was not written by this code's atomic link: treat it as nobody's.
    if (e instanceof SyntaxError) return null;
    throw e;
  }
}

/** A holder that is another live process (a lock on another host cannot be checked, so it counts as live). */
function isLive(holder: LockHolder | null): holder is LockHolder {
  if (!holder || typeof holder.pid !== 'number') return false;
  if (holder.hostname !== hostname()) return true;
  return holder.pid !== process.pid && processIsAlive(holder.pid);
}

/** Writes a complete file next to `target` (mode 0600) and returns its path. */
function writeTemp(target: string, content: string): string {
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  return temp;
}

/**
 * One attempt to take the data directory for this process. A stale lock (its process is gone) is removed
 * under a short-lived `core.lock.takeover` guard, so two processes taking over at once cannot both win.
 */
export function acquireDataDirLock(dataDir: string, role: LockHolder['role']): LockAttempt {
  const lockFile = path.join(dataDir, LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    role,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const temp = writeTemp(lockFile, JSON.stringify(mine));
    try {
      linkSync(temp, lockFile); // atomic: fails with EEXIST if anyone holds it
      return { ok: true, release: () => releaseIfMine(lockFile) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      rmSync(temp, { force: true });
    }
    const holder = readJson<LockHolder>(lockFile);
    if (isLive(holder)) return { ok: false, holder };
    removeStaleLock(lockFile, holder);
  }
  const holder = readJson<LockHolder>(lockFile);
  return { ok: false, holder: isLive(holder) ? holder : null };
}

function removeStaleLock(lockFile: string, seen: LockHolder | null): void {
  const guard = `${lockFile}.takeover`;
  const temp = writeTemp(guard, JSON.stringify({ pid: process.pid }));
  try {
    linkSync(temp, guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Someone else is taking over; their guard is stale only if they died doing it (it lives milliseconds).
    const age = Date.now() - (statSafe(guard) ?? Date.now());
    if (age > 10_000) rmSync(guard, { force: true });
    return;
  } finally {
    rmSync(temp, { force: true });
  }
  try {
    // Only the lock we judged stale: a fresh lock taken meanwhile by someone else stays.
    const now = readJson<LockHolder>(lockFile);
    if (JSON.stringify(now) === JSON.stringify(seen)) rmSync(lockFile, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

function statSafe(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function releaseIfMine(lockFile: string): void {
  const holder = readJson<LockHolder>(lockFile);
  if (holder?.pid === process.pid && holder.hostname === hostname()) {
    try {
      unlinkSync(lockFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** Who holds the directory now (a live process), or null. */
export function dataDirHolder(dataDir: string): LockHolder | null {
  const holder = readJson<LockHolder>(path.join(dataDir, LOCK_FILE));
  return isLive(holder) ? holder : null;
}

/** Publishes where this serving core takes CLI commands; replaced atomically, readable by this user only. */
export function publishAdminEndpoint(dataDir: string, endpoint: Omit<AdminEndpoint, 'pid'>): () => void {
  const file = path.join(dataDir, ADMIN_FILE);
  const temp = writeTemp(file, JSON.stringify({ pid: process.pid, ...endpoint }));
  renameSync(temp, file);
  return () => {
    if (readJson<AdminEndpoint>(file)?.pid === process.pid) rmSync(file, { force: true });
  };
}

/** The admin endpoint of the live core `holder`, or null while it is still starting (or publishes none). */
export function readAdminEndpoint(dataDir: string, holder: LockHolder): AdminEndpoint | null {
  const endpoint = readJson<AdminEndpoint>(path.join(dataDir, ADMIN_FILE));
  return endpoint && endpoint.pid === holder.pid && holder.hostname === hostname() ? endpoint : null;
}
