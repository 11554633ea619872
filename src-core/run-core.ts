/**
 * The core as a process: serves (no command), or runs an operator command (`npm run core -- create-merchant …`).
 * Composition root: the database, the master key, the ledger, the acquirer and the server are wired here.
 * Started by main.ts (`npm run core`); tests start it through test/helpers/core-main.ts, which alone adds the
 * test-only pauses (test/helpers/pause-hooks.ts), so they never ship in the production path.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createSandboxAcquirer } from './acquirer/sandbox';
import { fileSandboxRecords, SANDBOX_RECORDS_FILE } from './acquirer/sandbox-file-records';
import { CoreNotTakingCommands, accessDataDir, runInCore } from './admin/data-dir-access';
import { publishAdminEndpoint } from './admin/data-dir-lock';
import { runRequestCommand } from './admin/signed-request';
import { COMMANDS, runCommand, usage } from './admin/commands';
import { databaseConfigFromEnv, openDatabase } from './db/open';
import { transportPolicyFromEnv } from './routing/transport';
import { purgeExpiredIdempotenceKeys } from './routing/idempotence';
import { createAcquirerJournal, type JournalLog, type JournalOptions } from './journal/journal';
import { DEFAULT_RECONCILE_INTERVAL_MS, startReconciler } from './journal/reconcile';
import { startCoreInstance } from './idempotence/claim-liveness';
import { createLedgerContext } from './ledger/context';
import { refundRepeatWindowFromEnv } from './ledger/repeat-refund';
import { createLedgerService } from './ledger/service';
import { createKeyring, loadMasterKey } from './security/keyring';
import { buildCoreServer } from './server';

/** Journal hooks a test entry point may add (test/helpers/core-main.ts); production passes none. */
export type TestJournalHooks = Pick<JournalOptions, 'afterAcquirerAnswer' | 'beforeJournalRow'>;

export async function runCore(argv: string[], testHooks: TestJournalHooks = {}): Promise<number> {
  const env = process.env;
  const [command, ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  if (command === 'request') {
    // A client of a running core: it never opens the database.
    return runRequestCommand(args, { env, out: process.stdout, err: process.stderr });
  }
  if (command !== undefined && command !== 'serve' && !(command in COMMANDS)) {
    process.stderr.write(`Unknown command '${command}'.\n${usage()}\n`);
    return 2;
  }
  const config = databaseConfigFromEnv(env);
  const serving = command === undefined || command === 'serve';
  if (!config.databaseUrl) {
    // Embedded PGlite: this process takes the data directory, or a command runs inside the core serving it.
    mkdirSync(config.dataDir, { recursive: true });
    let access = await accessDataDir(config.dataDir, serving ? 'server' : 'command');
    // A core that is stopping refuses the command without running it; by then its lock is about to go.
    for (let retries = 3; access.kind === 'through-core'; retries--) {
      try {
        const answer = await runInCore(access.endpoint, command!, args);
        process.stdout.write(answer.stdout);
        process.stderr.write(answer.stderr);
        return answer.exitCode;
      } catch (e) {
        if (!(e instanceof CoreNotTakingCommands) || retries === 0) {
          process.stderr.write(`${command}: ${e instanceof Error ? e.message : String(e)}\n`);
          return 1;
        }
      }
      await new Promise((r) => setTimeout(r, 500));
      access = await accessDataDir(config.dataDir, 'command');
    }
    if (access.kind === 'refused') {
      if (serving) throw new Error(access.message);
      process.stderr.write(`${command}: ${access.message}\n`);
      return 1;
    }
    // Released however the process ends (process.exit included); a killed process leaves a stale lock
    // that the next one takes over.
    process.once('exit', access.release);
  }
  const master = loadMasterKey(env, config.dataDir);
  const keyring = createKeyring(master.key);
  const ctx = createLedgerContext(undefined, {
    refundRepeatWindowMs: refundRepeatWindowFromEnv(env.COUNTER_REFUND_REPEAT_WINDOW_SECONDS),
  });
  const db = await openDatabase(config);
  const ledger = createLedgerService(db, ctx);
  // The sandbox acquirer is a separate system: its records live in a file of its own, not in the core's
  // database (SANDBOX_ACQUIRER_FILE; on PGlite by default in the data directory). On PostgreSQL without it,
  // in the database's sandbox_acquirer_journal table, which every core process sharing the database sees.
  const sandboxFile = env.SANDBOX_ACQUIRER_FILE
    ? path.resolve(env.SANDBOX_ACQUIRER_FILE)
    : config.databaseUrl
      ? null
      : path.join(config.dataDir, SANDBOX_RECORDS_FILE);
  const acquirer = createSandboxAcquirer({
    ...(sandboxFile ? { records: fileSandboxRecords(sandboxFile) } : { db }),
    latencyMs: Number(env.SANDBOX_LATENCY_MS ?? 0),
    timeoutMs: Number(env.SANDBOX_TIMEOUT_MS ?? 0),
  });
  const journalOptions: JournalOptions = {
    graceMs: env.COUNTER_RECONCILE_GRACE_MS ? Number(env.COUNTER_RECONCILE_GRACE_MS) : undefined,
    maxRecordingAttempts: env.COUNTER_MAX_RECORDING_ATTEMPTS
      ? Number(env.COUNTER_MAX_RECORDING_ATTEMPTS)
      : undefined,
    ...testHooks,
  };

  if (!serving) {
    const io = {
      out: (t: string) => process.stdout.write(t + '\n'),
      err: (t: string) => process.stderr.write(t + '\n'),
    };
    // Logs of a command go to stderr as JSON lines, so --json output on stdout stays one object.
    const line = (level: string) => (obj: object, msg: string) =>
      io.err(JSON.stringify({ level, ...obj, msg }));
    const log: JournalLog = { info: line('info'), warn: line('warn'), error: line('error') };
    try {
      return await runCommand(command, args, {
        db,
        keyring,
        ctx,
        io,
        reconcile: (graceMs) =>
          createAcquirerJournal({ ledger, acquirer, log }, { ...journalOptions, graceMs }).reconcileDue(),
        defaultGraceMs: journalOptions.graceMs,
      });
    } finally {
      await db.close();
    }
  }

  // The loopback admin API exists only for embedded PGlite, where a CLI command cannot open the database.
  const adminToken = config.databaseUrl ? undefined : randomBytes(32).toString('base64url');
  const server = await buildCoreServer({
    db,
    ledger,
    keyring,
    acquirer,
    logger: { level: env.LOG_LEVEL ?? 'info' },
    version: env.npm_package_version,
    logRequests: env.LOG_REQUESTS !== '0',
    journal: journalOptions,
    adminToken,
    transport: transportPolicyFromEnv(env),
  });
  const { app } = server;
  // Before listening: from here on, this process's idempotence claims say whose they are (claim-liveness.ts).
  const instance = await startCoreInstance(db, { instanceId: ctx.newId(), log: app.log });
  const host = env.HOST || '127.0.0.1';
  const port = env.PORT === undefined ? 8080 : Number(env.PORT);
  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const adminUrl = adminToken ? loopbackUrl(host, boundPort) : undefined;
  const withdrawAdmin =
    adminToken && adminUrl
      ? publishAdminEndpoint(config.dataDir, { url: adminUrl, token: adminToken })
      : () => {};
  process.once('exit', withdrawAdmin);
  app.log.info(
    {
      url: `http://${host}:${boundPort}`,
      port: boundPort,
      database: db.kind === 'postgres' ? 'postgres (DATABASE_URL)' : `pglite in ${config.dataDir}`,
      masterKey: master.source === 'COUNTER_MASTER_KEY' ? 'COUNTER_MASTER_KEY' : 'key file',
    },
    'core listening',
  );

  const purge = setInterval(
    () => {
      purgeExpiredIdempotenceKeys(db, new Date()).catch((e: unknown) =>
        app.log.warn({ err: e }, 'purging idempotence keys failed'),
      );
    },
    60 * 60 * 1000,
  );
  purge.unref();
  await purgeExpiredIdempotenceKeys(db, new Date());
  if (journalOptions.afterAcquirerAnswer || journalOptions.beforeJournalRow) {
    app.log.warn('test-only journal pauses are set: requests of their kinds never answer (tests only)');
  }
  // Reconciliation at start-up (rows a crashed process left open), then periodically.
  const reconciler = startReconciler(server.journal, {
    intervalMs: env.COUNTER_RECONCILE_INTERVAL_MS
      ? Number(env.COUNTER_RECONCILE_INTERVAL_MS)
      : DEFAULT_RECONCILE_INTERVAL_MS,
    log: app.log,
  });

  // Graceful shutdown: refuse new requests (503), let in-flight ones finish, then close the database.
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'core shutting down');
      server.beginClosing();
      // New CLI commands wait for the lock and then open the directory themselves.
      withdrawAdmin();
      clearInterval(purge);
      const force = setTimeout(() => {
        app.log.error('shutdown took longer than 15 s; exiting');
        resolve(1);
      }, 15_000);
      force.unref();
      app
        .close()
        .then(() => reconciler.stop())
        .then(() => instance.stop())
        .then(() => db.close())
        .then(() => {
          clearTimeout(force);
          resolve(0);
        })
        .catch((e: unknown) => {
          app.log.error({ err: e }, 'shutdown failed');
          resolve(1);
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** Where a CLI on this machine reaches a core listening on `host`; none if it listens on another interface. */
function loopbackUrl(host: string, port: number): string | undefined {
  if (host === '::1' || host === '[::1]') return `http://[::1]:${port}`;
  if (['127.0.0.1', 'localhost', '0.0.0.0', '::', '[::]'].includes(host) || host.startsWith('127.')) {
    return `http://127.0.0.1:${port}`;
  }
  return undefined;
}

/** Runs `run` as the process: its exit code, or a start-up failure said in one line. */
export function exitWith(run: Promise<number>): void {
  run.then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`core failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
