/**
 * The composition root of the terminal host: opens the store (lock, integrity check, migrations), builds the
 * ZVT session from the settings (serial port path or host:port), and wires the checkout dependencies. Every
 * dependency is created here and passed down; nothing below reaches for a global.
 */
import { randomBytes } from 'node:crypto';
import {
  createUuidV7Generator,
  domainError,
  err,
  isCurrencyCode,
  isValidIssuer,
  ok,
  type CurrencyCode,
  type DomainError,
  type Result,
  type Uuid,
} from '../../src-shared';
import {
  DEFAULT_POLICY,
  type CheckoutDeps,
  type CheckoutEvent,
  type CoreRefundPort,
} from '../checkout/context';
import { learnTerminalBaseline, recoverUnresolvedAttempt } from '../checkout/terminal-attempts';
import { getSetting, openStore, terminalState, type OpenStoreOptions, type StoreDb } from '../store';
import type { SerialLinkTimers } from '../zvt/link/serial-link';
import { EcrSession } from '../zvt/session/ecr-session';
import type { SessionTimers } from '../zvt/session/types';
import { serialConnector, tcpConnector, type Connector } from '../zvt/transport/connect';
import { syncConfigFromSettings, wireSync, type SyncConfig, type WiredSync } from './sync-wiring';

/** Settings keys (the `settings` table); `npm run host -- enroll` writes them. */
export const SETTING = {
  issuer: 'counter.issuer',
  currency: 'counter.currency',
  terminalSerialPath: 'terminal.serialPath',
  terminalTcp: 'terminal.tcp',
  terminalPassword: 'terminal.password',
  coreUrl: 'core.url',
  terminalId: 'core.terminalId',
} as const;

export interface HostOptions {
  readonly dataDir: string;
  /** Overrides the terminal settings (tests give the pty path or an in-process connector). */
  readonly connector?: Connector;
  readonly clock?: () => Date;
  readonly sessionTimers?: Partial<SessionTimers>;
  readonly linkTimers?: SerialLinkTimers;
  readonly core?: CoreRefundPort;
  readonly isOnline?: () => boolean;
  readonly syncNow?: () => Promise<void>;
  readonly store?: OpenStoreOptions;
  /** The core to sync with; 'settings' reads it from the enrolled settings and the environment. */
  readonly sync?: SyncConfig | 'settings';
}

export interface Host {
  readonly db: StoreDb;
  readonly session: EcrSession;
  readonly deps: CheckoutDeps;
  /** Null when the counter is not enrolled with a core (it then sells offline only). */
  readonly sync: WiredSync | null;
  /** Subscribe to checkout events (terminal statuses, order changes); returns an unsubscribe function. */
  onEvent(listener: (e: CheckoutEvent) => void): () => void;
  /** Registers with the terminal, learns its baseline, recovers a payment left in doubt. */
  start(): Promise<Result<{ recovered: string | null }, DomainError>>;
  close(): Promise<void>;
}

function terminalConnector(db: StoreDb, o: HostOptions): Result<Connector, DomainError> {
  if (o.connector) return ok(o.connector);
  const path = getSetting<string>(db, SETTING.terminalSerialPath);
  if (path) return ok(serialConnector({ path }, o.linkTimers));
  const tcp = getSetting<string>(db, SETTING.terminalTcp);
  const m = tcp ? /^([^:]+):(\d{1,5})$/.exec(tcp) : null;
  if (m) return ok(tcpConnector(m[1] as string, Number(m[2])));
  return err(
    domainError('HOST_NOT_WIRED', {
      command: 'the card terminal',
      reason:
        'no terminal is configured; run `npm run host -- enroll --terminal /dev/ttyUSB0` (or host:port)',
    }),
  );
}

export function createHost(o: HostOptions): Result<Host, DomainError> {
  const opened = openStore(o.dataDir, o.store);
  if (!opened.ok) return opened;
  const db = opened.value;
  const fail = (e: DomainError) => {
    db.close();
    return err(e);
  };
  const issuer = getSetting<number>(db, SETTING.issuer) ?? 0;
  if (!isValidIssuer(issuer)) {
    return fail(
      domainError('HOST_NOT_WIRED', {
        command: 'checkout',
        reason: 'this counter is not enrolled (no payment-id issuer); run `npm run host -- enroll`',
      }),
    );
  }
  const currency = getSetting<string>(db, SETTING.currency) ?? 'EUR';
  if (!isCurrencyCode(currency)) return fail(domainError('UNKNOWN_CURRENCY', { currency }));
  const connector = terminalConnector(db, o);
  if (!connector.ok) return fail(connector.error);
  const session = new EcrSession({
    connect: connector.value,
    currency: currency as CurrencyCode,
    password: getSetting<string>(db, SETTING.terminalPassword) ?? undefined,
    timers: o.sessionTimers,
    // The baseline survives a host restart: the last receipt this counter knew the terminal had booked.
    lastKnownReceipt: terminalState(db)?.lastReceipt,
  });
  const listeners = new Set<(e: CheckoutEvent) => void>();
  const clock = o.clock ?? (() => new Date());
  const syncConfig = o.sync === 'settings' ? syncConfigFromSettings(db) : (o.sync ?? null);
  const sync = syncConfig ? wireSync(db, syncConfig, clock) : null;
  const newId: () => Uuid = createUuidV7Generator({
    now: () => clock().getTime(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  const deps: CheckoutDeps = {
    db,
    terminal: session,
    clock,
    newId,
    issuer,
    currency: currency as CurrencyCode,
    policy: DEFAULT_POLICY,
    emit: (e) => {
      // Something was written for the core: let the daemon push it soon (coalesced, never around backoff).
      if (e.kind === 'order-changed' || e.kind === 'outbox-changed') sync?.daemon.wake();
      listeners.forEach((l) => l(e));
    },
    core: o.core ?? sync?.refundPort,
    isOnline: o.isOnline ?? sync?.isOnline ?? (() => false),
    syncNow: o.syncNow ?? sync?.syncNow ?? (() => Promise.resolve()),
  };
  return ok({
    db,
    session,
    deps,
    sync,
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    start: async () => {
      const reg = await session.register();
      if (!reg.ok) return reg;
      await learnTerminalBaseline(deps);
      sync?.daemon.start();
      const r = await recoverUnresolvedAttempt(deps);
      if (!r.ok) return r;
      return ok({ recovered: r.value ? `${r.value.attempt.attemptId}: ${r.value.state}` : null });
    },
    close: async () => {
      await sync?.daemon.stop();
      await session.close();
      db.close();
    },
  });
}
