/**
 * `npm run host -- <command> [--flags]`: the counter's CLI for store IT, text or `--json`.
 *
 *   status                         queue, last sync, exceptions, drawer, a card payment in doubt
 *   z-report [--preview]           the last Z report (or the figures so far)
 *   enroll --issuer N [--currency EUR] [--terminal /dev/ttyUSB0|host:port] [--core-url URL --key-id ID]
 *          [--manager ID --name NAME --pin-env VAR]
 *   export-rescue --out FILE --passphrase-env VAR [--force]
 *   import-rescue --in FILE --passphrase-env VAR
 *   sync                           one sync cycle with the core (push the queue, pull the feed)
 *   reconcile [--day YYYY-MM-DD]   the day's orders here vs the core's (with the terminal key)
 *   serve [--port N] [--ui DIR]    the host with its sync daemon and the cashier UI on 127.0.0.1; prints
 *                                  the UI's address (with this launch's token) and runs until Ctrl-C
 *
 * The data directory is `--data-dir`, else $COUNTER_DATA_DIR, else ./counter-data. Secrets (PIN,
 * passphrase) are read from the environment variable named, never from the command line (`ps` shows it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import { buildReport } from '../checkout/end-of-day';
import { DEFAULT_POLICY, type CheckoutDeps } from '../checkout/context';
import { enrollStaff } from '../checkout/staff';
import {
  currentCashSession,
  endOfDayReports,
  expectedCash,
  getSetting,
  openStore,
  searchOrders,
  setSetting,
  syncStatus,
  unresolvedAttempt,
  type StoreDb,
} from '../store';
import { SETTING } from './compose';
import { exportRescue, importRescue } from './rescue';
import { fileSecretKeeper } from './terminal-secret';
import { serveHost, ServeError, type ServedHost } from './serve';
import { SYNC_SETTING, syncConfigFromSettings, TERMINAL_SECRET_ENV, wireSync } from './sync-wiring';
import { reconcileWithCore } from '../sync/reconcile';
import { localOrderViews } from '../sync/store-port';

const BOOLEAN = new Set(['json', 'force', 'preview', 'help']);

export function parseCli(argv: readonly string[]): {
  command: string | undefined;
  flags: Map<string, string | true>;
} {
  const flags = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) {
      command ??= a;
      continue;
    }
    const [name = '', inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) flags.set(name, inline);
    else if (BOOLEAN.has(name)) flags.set(name, true);
    else flags.set(name, argv[++i] ?? '');
  }
  return { command, flags };
}

type Flags = Map<string, string | true>;
const str = (f: Flags, name: string): string | undefined => {
  const v = f.get(name);
  return typeof v === 'string' && v !== '' ? v : undefined;
};
const invalid = (command: string, reason: string) =>
  err(domainError('HOST_COMMAND_INVALID', { command, reason }));

function secret(f: Flags, flag: string, command: string): Result<string, DomainError> {
  const name = str(f, flag);
  if (!name) return invalid(command, `--${flag} names the environment variable holding the secret`);
  const v = process.env[name];
  return v ? ok(v) : invalid(command, `the environment variable ${name} is empty`);
}

function withStore<T>(
  dir: string,
  opts: { lock: boolean; force?: boolean },
  fn: (db: StoreDb) => Result<T, DomainError>,
): Result<T, DomainError> {
  const s = openStore(dir, { noLock: !opts.lock, skipIntegrityCheck: opts.force });
  if (!s.ok) return s;
  try {
    return fn(s.value);
  } finally {
    s.value.close();
  }
}

/** sync and reconcile talk to the core (async); every other command is local. */
export async function runCommandAsync(
  command: string | undefined,
  f: Flags,
  dataDir: string,
  now = () => new Date(),
): Promise<Result<unknown, DomainError>> {
  if (command !== 'sync' && command !== 'reconcile') return runCommand(command, f, dataDir, now);
  const s = openStore(dataDir);
  if (!s.ok) return s;
  const db = s.value;
  try {
    // The secret: the environment first, else the file an enrolment from the settings screen wrote.
    const kept = process.env[TERMINAL_SECRET_ENV] ? null : fileSecretKeeper(dataDir).load();
    if (kept && !kept.ok) return kept;
    const config = syncConfigFromSettings(
      db,
      kept?.value ? { [TERMINAL_SECRET_ENV]: kept.value } : process.env,
    );
    if (!config) {
      return err(
        domainError('HOST_NOT_WIRED', {
          command,
          reason:
            'no core is enrolled: enrol the counter under Settings → Enrolment, or run ' +
            `\`enroll --core-url URL --key-id ID\` and set ${TERMINAL_SECRET_ENV}`,
        }),
      );
    }
    const wired = wireSync(db, config, now);
    if (command === 'sync') {
      const report = await wired.daemon.syncNow();
      return ok({ ...report, ...syncStatus(db, now()) });
    }
    const day = str(f, 'day') ?? now().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return invalid('reconcile', `--day is YYYY-MM-DD, not '${day}'`);
    const r = await reconcileWithCore({
      daemon: wired.daemon,
      // Read after the sync cycle: orders learnt from the feed (other channels, other counters) count too.
      localOrders: () =>
        localOrderViews(
          db,
          searchOrders(db, { businessDay: day, limit: 500 }).map((o) => o.orderId),
        ),
      core: wired.orders,
      now,
    });
    return r.ok
      ? ok(r.value)
      : err(
          domainError('HOST_NOT_WIRED', { command, reason: `the core did not answer: ${r.error.message}` }),
        );
  } finally {
    db.close();
  }
}

export function runCommand(
  command: string | undefined,
  f: Flags,
  dataDir: string,
  now = () => new Date(),
): Result<unknown, DomainError> {
  switch (command) {
    case 'status':
      // Read-only, without the lock: it works beside a running host.
      return withStore(dataDir, { lock: false }, (db) => {
        const drawer = currentCashSession(db);
        const attempt = unresolvedAttempt(db);
        return ok({
          dataDir,
          issuer: getSetting<number>(db, SETTING.issuer) ?? null,
          currency: getSetting<string>(db, SETTING.currency) ?? null,
          ...syncStatus(db, now()),
          drawer: drawer
            ? { openedAt: drawer.openedAt, expectedMinor: expectedCash(db, drawer.sessionId) }
            : null,
          cardPaymentInDoubt: attempt
            ? {
                attemptId: attempt.attemptId,
                state: attempt.state,
                amountMinor: attempt.amountMinor,
                orderId: attempt.orderId,
              }
            : null,
        });
      });
    case 'z-report':
      return withStore(dataDir, { lock: false }, (db) => {
        if (f.get('preview'))
          return ok(buildReport({ db, clock: now }, { terminal: null, core: null, reportId: 'preview' }));
        const last = endOfDayReports(db, 1)[0];
        return last
          ? ok(last.report)
          : invalid('z-report', 'no day has been closed yet; use --preview for the figures so far');
      });
    case 'enroll':
      return withStore(dataDir, { lock: true }, (db) => {
        const issuer = Number(str(f, 'issuer'));
        if (!Number.isInteger(issuer) || issuer < 1000 || issuer > 999_999) {
          return invalid(
            'enroll',
            '--issuer is the payment-id issuer the core assigned this counter (1000-999999)',
          );
        }
        const terminal = str(f, 'terminal');
        db.tx(() => {
          setSetting(db, SETTING.issuer, issuer);
          setSetting(db, SETTING.currency, str(f, 'currency') ?? 'EUR');
          if (terminal)
            setSetting(
              db,
              /^[^/]+:\d+$/.test(terminal) ? SETTING.terminalTcp : SETTING.terminalSerialPath,
              terminal,
            );
          const core = str(f, 'core-url');
          if (core) setSetting(db, SETTING.coreUrl, core);
          const keyId = str(f, 'key-id');
          if (keyId) setSetting(db, SYNC_SETTING.keyId, keyId);
        });
        const manager = str(f, 'manager');
        if (manager) {
          const pin = secret(f, 'pin-env', 'enroll');
          if (!pin.ok) return pin;
          const deps = { db, clock: now, policy: DEFAULT_POLICY } as unknown as CheckoutDeps;
          const r = enrollStaff(deps, {
            staffId: manager,
            name: str(f, 'name') ?? manager,
            role: 'MANAGER',
            pin: pin.value,
          });
          if (!r.ok) return r;
        }
        return ok({
          issuer,
          currency: getSetting(db, SETTING.currency),
          terminal: terminal ?? null,
          manager: manager ?? null,
        });
      });
    case 'export-rescue': {
      const out = str(f, 'out');
      if (!out) return invalid('export-rescue', '--out FILE is where the encrypted rescue file goes');
      const pass = secret(f, 'passphrase-env', 'export-rescue');
      if (!pass.ok) return pass;
      return withStore(dataDir, { lock: true, force: f.get('force') === true }, (db) => {
        const r = exportRescue(db, pass.value, now());
        if (!r.ok) return r;
        fs.writeFileSync(out, r.value.file, { mode: 0o600 });
        return ok({ file: out, messages: r.value.messages });
      });
    }
    case 'import-rescue': {
      const input = str(f, 'in');
      if (!input || !fs.existsSync(input))
        return invalid('import-rescue', '--in FILE must name an existing rescue file');
      const pass = secret(f, 'passphrase-env', 'import-rescue');
      if (!pass.ok) return pass;
      const text = fs.readFileSync(input, 'utf8');
      return withStore(dataDir, { lock: true }, (db) => importRescue(db, text, pass.value));
    }
    case undefined:
    default:
      return invalid(
        command ?? '(none)',
        'use one of status, z-report, enroll, export-rescue, import-rescue, sync, reconcile, serve',
      );
  }
}

function print(value: unknown, json: boolean): string {
  if (json) return JSON.stringify(value, null, 2);
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(
        ([k, v]) => `${k.padEnd(20)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`,
      )
      .join('\n');
  }
  return String(value);
}

/** `serve`: runs until SIGINT/SIGTERM, then closes the bridge, the daemon, the terminal and the store. */
async function serve(flags: Flags, dataDir: string): Promise<number> {
  const port = str(flags, 'port') === undefined ? 0 : Number(str(flags, 'port'));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(
      `HOST_COMMAND_INVALID: --port must be a port number (0-65535), not ${str(flags, 'port')}\n`,
    );
    return 2;
  }
  const uiDir = path.resolve(
    str(flags, 'ui') ?? path.join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
  );
  if (!fs.existsSync(path.join(uiDir, 'index.html')))
    process.stderr.write(`no UI in ${uiDir} (run \`npm run build:renderer\`); serving the API only\n`);
  let served: ServedHost;
  try {
    served = await serveHost({
      dataDir,
      sync: 'settings',
      port,
      uiDir: fs.existsSync(uiDir) ? uiDir : undefined,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (e) {
    process.stderr.write(`${e instanceof ServeError ? e.message : String(e)}\n`);
    return 1;
  }
  process.stdout.write(`${served.uiUrl}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { command, flags } = parseCli(argv);
  const dataDir = str(flags, 'data-dir') ?? process.env.COUNTER_DATA_DIR ?? 'counter-data';
  if (command === 'serve') return serve(flags, dataDir);
  const json = flags.get('json') === true;
  const r = await runCommandAsync(command, flags, dataDir);
  if (r.ok) {
    process.stdout.write(`${print(r.value, json)}\n`);
    return 0;
  }
  process.stderr.write(
    json
      ? `${JSON.stringify({ error: { code: r.error.code, message: r.error.message } })}\n`
      : `${r.error.code}: ${r.error.message}\n`,
  );
  return 1;
}
