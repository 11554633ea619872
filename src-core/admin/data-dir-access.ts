/**
 * How a process gets at an embedded PGlite data directory without ever sharing it (data-dir-lock.ts):
 * it takes the directory, or (a CLI command while a core serves it) runs inside that core through the
 * loopback admin API, or it is refused with a message that says what to do. A short-lived holder (another
 * CLI command, a core still starting) is waited for.
 */
import path from 'node:path';
import {
  LOCK_FILE,
  acquireDataDirLock,
  readAdminEndpoint,
  type AdminEndpoint,
  type LockHolder,
} from './data-dir-lock';
import { ADMIN_COMMANDS_PATH, type AdminCommandAnswer } from './routes';

export type DataDirAccess =
  | { kind: 'own'; release(): void }
  | { kind: 'through-core'; endpoint: AdminEndpoint }
  | { kind: 'refused'; message: string };

export const DEFAULT_LOCK_WAIT_MS = 30_000;

function describe(holder: LockHolder): string {
  const who = holder.role === 'server' ? 'the core' : "the 'npm run core' command";
  return `${who} process ${holder.pid}${holder.hostname ? ` on ${holder.hostname}` : ''} (since ${holder.startedAt})`;
}

export async function accessDataDir(
  dataDir: string,
  role: LockHolder['role'],
  options: { waitMs?: number; pollMs?: number } = {},
): Promise<DataDirAccess> {
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  const lockFile = path.join(dataDir, LOCK_FILE);
  for (;;) {
    const attempt = acquireDataDirLock(dataDir, role);
    if (attempt.ok) return { kind: 'own', release: attempt.release };
    const { holder } = attempt;
    if (!holder) {
      // Someone is taking over a dead process's lock this very moment: look again shortly.
      if (Date.now() >= deadline) {
        return {
          kind: 'refused',
          message: `the data directory ${dataDir} is being taken by another process; retry.`,
        };
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
      continue;
    }
    if (holder.role === 'server' && role === 'server') {
      return {
        kind: 'refused',
        message:
          `the data directory ${dataDir} is in use by ${describe(holder)}. Two processes must never open one ` +
          `embedded database: stop that core first, or set COUNTER_DATA_DIR to another directory (or ` +
          `DATABASE_URL to a PostgreSQL database, which many cores share).`,
      };
    }
    if (holder.role === 'server') {
      const endpoint = readAdminEndpoint(dataDir, holder);
      if (endpoint) return { kind: 'through-core', endpoint };
    }
    if (Date.now() >= deadline) {
      return {
        kind: 'refused',
        message:
          holder.role === 'server'
            ? `the data directory ${dataDir} is in use by ${describe(holder)}, which does not take commands ` +
              `(still starting, or listening on a HOST that is not loopback). Stop it (Ctrl-C where it runs, ` +
              `or kill ${holder.pid}), run the command, then start it again.`
            : `the data directory ${dataDir} is in use by ${describe(holder)}. Wait for it to finish and ` +
              `retry; if no such process runs any more, delete ${lockFile}.`,
      };
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
}

/**
 * The core did not run the command and says so (it is stopping: 503, or no longer listening): the caller
 * may look at the data directory again, where the lock will soon be free.
 */
export class CoreNotTakingCommands extends Error {}

/** Runs a CLI command inside the serving core; throws with a readable message if the core does not answer. */
export async function runInCore(
  endpoint: AdminEndpoint,
  command: string,
  args: readonly string[],
): Promise<AdminCommandAnswer> {
  const url = endpoint.url + ADMIN_COMMANDS_PATH;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${endpoint.token}` },
      body: JSON.stringify({ command, args }),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    // Refused before anything was sent: the command certainly did not run.
    const ErrorKind = cause === 'ECONNREFUSED' ? CoreNotTakingCommands : Error;
    throw new ErrorKind(
      `the core process ${endpoint.pid} serves this data directory but does not answer at ${endpoint.url} ` +
        `(${cause}). If it is stopping, retry in a moment; otherwise stop it and run the command again.`,
    );
  }
  const body = (await res.json().catch(() => null)) as Partial<AdminCommandAnswer> & {
    errors?: { message?: string }[];
  };
  if (res.status === 503) {
    throw new CoreNotTakingCommands(`the core at ${endpoint.url} is stopping`);
  }
  if (res.status !== 200 || typeof body?.exitCode !== 'number') {
    const why = body?.errors?.[0]?.message ?? `HTTP ${res.status}`;
    throw new Error(`the core at ${endpoint.url} refused the command: ${why}`);
  }
  return { exitCode: body.exitCode, stdout: body.stdout ?? '', stderr: body.stderr ?? '' };
}
