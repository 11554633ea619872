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
import { cartCheckoutOfOrder, clearOpenCart, loadOrderState } from '../store';
import { orderBalances } from '../../src-shared';
import { createLiveState, type LiveState } from './live';
import {
  syncConfigFromSettings,
  TERMINAL_SECRET_ENV,
  wireSync,
  type SyncConfig,
  type WiredSync,
} from './sync-wiring';
import { fileSecretKeeper, type TerminalSecretKeeper } from './terminal-secret';

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
  /** With sync 'settings': the terminal's secret from elsewhere than the environment (Electron's keystore). */
  readonly terminalSecret?: string;
  /**
   * Where an enrolment from the settings screen keeps the secret, and (with sync 'settings') where it is read
   * at start when neither the environment nor `terminalSecret` gives it. Default: the 0600 file
   * `terminal-secret` in the data directory (terminal-secret.ts); Electron passes its keystore.
   */
  readonly secretKeeper?: TerminalSecretKeeper;
  /** How often to try the card terminal again while it is not connected (default 5 s). */
  readonly terminalRetryMs?: number;
}

export interface Host {
  readonly db: StoreDb;
  readonly session: EcrSession;
  readonly deps: CheckoutDeps;
  /** Null when the counter is not enrolled with a core (it then sells offline only). Changes on enrolment. */
  readonly sync: WiredSync | null;
  /** Where the terminal secret in use came from (null: not enrolled); never the secret itself. */
  readonly secretSource: 'environment' | 'file' | 'keystore' | null;
  readonly secretKeeper: TerminalSecretKeeper;
  /**
   * Syncs with another core or key from now on, without a restart: stops the running daemon (its cycle in
   * flight finishes), wires the new client and starts it. The issuer mints the next payment ids.
   */
  replaceSync(config: SyncConfig, issuer: number, secretSource: 'file' | 'keystore'): Promise<void>;
  /** The terminal connection and the card command running now (status). */
  readonly live: LiveState;
  /** Subscribe to checkout events (terminal statuses, order changes); returns an unsubscribe function. */
  onEvent(listener: (e: CheckoutEvent) => void): () => void;
  /** The terminal did not answer a command: mark it disconnected and try it again until it answers. */
  terminalLost(): void;
  /**
   * The terminal settings were saved: a terminal not connected now (none configured yet, or unplugged) is
   * tried at once on the port in the settings. A connected one keeps its line until Counter restarts.
   */
  terminalSettingsChanged(): void;
  /** Registers with the terminal, learns its baseline, recovers a payment left in doubt. */
  start(): Promise<Result<{ recovered: string | null }, DomainError>>;
  close(): Promise<void>;
}

/** The terminal's port from the settings (serial path first, then host:port); null: none configured. */
export function configuredTerminalPort(db: StoreDb): string | null {
  return (
    getSetting<string>(db, SETTING.terminalSerialPath) ?? getSetting<string>(db, SETTING.terminalTcp) ?? null
  );
}

/**
 * Reads the terminal settings at every (re)connect: a port a manager saves in Settings is used at the next
 * attempt (the retry while disconnected), without a restart. No port yet: the attempt fails with a sentence
 * saying where to set one, and the host keeps retrying like for an unplugged terminal.
 */
function settingsConnector(db: StoreDb, o: HostOptions): Connector {
  return async () => {
    const path = getSetting<string>(db, SETTING.terminalSerialPath);
    if (path) return serialConnector({ path }, o.linkTimers)();
    const tcp = getSetting<string>(db, SETTING.terminalTcp);
    const m = tcp ? /^([^:]+):(\d{1,5})$/.exec(tcp) : null;
    if (m) return tcpConnector(m[1] as string, Number(m[2]))();
    return err(
      domainError('HOST_NOT_WIRED', {
        command: 'the card terminal',
        reason: 'no terminal port is configured yet; a manager chooses it in Settings',
      }),
    );
  };
}

export function createHost(o: HostOptions): Result<Host, DomainError> {
  const opened = openStore(o.dataDir, o.store);
  if (!opened.ok) return opened;
  const db = opened.value;
  const fail = (e: DomainError) => {
    db.close();
    return err(e);
  };
  // A bare data directory starts too: without an issuer the counter is "not set up" (sales are refused with
  // COUNTER_NOT_SET_UP) until a manager enrols it with a core from Settings, which sets the issuer.
  const stored = getSetting<number>(db, SETTING.issuer) ?? 0;
  const issuer = isValidIssuer(stored) ? stored : 0;
  const currency = getSetting<string>(db, SETTING.currency) ?? 'EUR';
  if (!isCurrencyCode(currency)) return fail(domainError('UNKNOWN_CURRENCY', { currency }));
  const connector = o.connector ?? settingsConnector(db, o);
  const session = new EcrSession({
    connect: connector,
    currency: currency as CurrencyCode,
    password: getSetting<string>(db, SETTING.terminalPassword) ?? undefined,
    timers: o.sessionTimers,
    // The baseline survives a host restart: the last receipt this counter knew the terminal had booked.
    lastKnownReceipt: terminalState(db)?.lastReceipt,
  });
  const listeners = new Set<(e: CheckoutEvent) => void>();
  const clock = o.clock ?? (() => new Date());
  const keeper = o.secretKeeper ?? fileSecretKeeper(o.dataDir);
  // The secret: the environment first, then the caller (Electron's keystore), then the keeper's file.
  let secretSource: Host['secretSource'] = null;
  let syncConfig: SyncConfig | null = o.sync && o.sync !== 'settings' ? o.sync : null;
  if (o.sync === 'settings') {
    let secret = process.env[TERMINAL_SECRET_ENV] || undefined;
    if (secret) secretSource = 'environment';
    else if (o.terminalSecret) [secret, secretSource] = [o.terminalSecret, 'keystore'];
    else {
      const kept = keeper.load();
      if (!kept.ok) return fail(kept.error);
      if (kept.value) [secret, secretSource] = [kept.value, keeper.where];
    }
    syncConfig = syncConfigFromSettings(db, secret ? { [TERMINAL_SECRET_ENV]: secret } : {});
    if (!syncConfig) secretSource = null;
  }
  let emit: (e: CheckoutEvent) => void = () => {};
  let wasOnline: boolean | null = null;
  let sync: WiredSync | null = null;
  const wire = (config: SyncConfig): WiredSync =>
    wireSync(
      db,
      {
        ...config,
        onCycle: (report) => {
          config.onCycle?.(report);
          // Online/offline flipped, or the core told us something (a balance paid online): read status again.
          const online = sync?.daemon.status().online ?? null;
          const changed = online !== wasOnline || report.pulledChanges > 0 || report.accepted > 0;
          wasOnline = online;
          if (changed) emit({ kind: 'status-changed' });
        },
      },
      clock,
    );
  if (syncConfig) sync = wire(syncConfig);
  let currentIssuer = issuer;
  const live = createLiveState({
    db,
    port: () => configuredTerminalPort(db),
    clock,
    emitStatusChanged: () => emit({ kind: 'status-changed' }),
  });
  const offReceipt = session.onReceiptLine((line, type) => live.receiptLine(line, type));
  const newId: () => Uuid = createUuidV7Generator({
    now: () => clock().getTime(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  // issuer, core, isOnline and syncNow follow an enrolment from the settings screen (replaceSync).
  const deps: CheckoutDeps = {
    db,
    terminal: session,
    clock,
    newId,
    get issuer() {
      return currentIssuer;
    },
    currency: currency as CurrencyCode,
    policy: DEFAULT_POLICY,
    emit: (e) => emit(e),
    onLocalPayment: (orderId) => {
      // Inside the payment's transaction: the basket this order sold is gone once it is paid in full.
      const c = cartCheckoutOfOrder(db, orderId);
      if (!c) return;
      const state = loadOrderState(db, orderId);
      if (state && (orderBalances(state).balanceDue?.amountMinor ?? 0) === 0) clearOpenCart(db);
    },
    get core() {
      return o.core ?? sync?.refundPort;
    },
    isOnline: o.isOnline ?? (() => sync?.isOnline() ?? false),
    // Right after a start the first sync has not answered yet: the offline card limits wait for it (briefly).
    // A getter: an enrolment from the settings swaps the daemon.
    get awaitOnlineKnown() {
      return o.isOnline ? undefined : sync?.awaitOnlineKnown;
    },
    syncNow: o.syncNow ?? (() => sync?.syncNow() ?? Promise.resolve()),
  };
  emit = (e) => {
    // Something was written for the core: let the daemon push it soon (coalesced, never around backoff).
    if (e.kind === 'order-changed' || e.kind === 'outbox-changed') sync?.daemon.wake();
    live.observe(e);
    listeners.forEach((l) => l(e));
  };
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // One connection attempt at a time (the retry timer and a port saved in Settings may meet).
  let connecting: Promise<Result<void, DomainError>> | null = null;
  const connectTerminal = (): Promise<Result<void, DomainError>> => {
    connecting ??= registerTerminal().finally(() => {
      connecting = null;
    });
    return connecting;
  };
  const registerTerminal = async (): Promise<Result<void, DomainError>> => {
    const reg = await session.register();
    if (!reg.ok) {
      live.setTerminal('DISCONNECTED');
      scheduleRetry();
      return reg;
    }
    live.setTerminal('READY');
    await learnTerminalBaseline(deps);
    return ok(undefined);
  };
  const scheduleRetry = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (live.currentAttempt()) return scheduleRetry();
      void connectTerminal().then(async (r) => {
        // Back: a payment left in doubt while it was gone is recovered before the next one.
        if (r.ok) await recoverUnresolvedAttempt(deps);
      });
    }, o.terminalRetryMs ?? 5_000);
    retry.unref?.();
  };
  let started = false;
  return ok({
    db,
    session,
    deps,
    get sync() {
      return sync;
    },
    get secretSource() {
      return secretSource;
    },
    secretKeeper: keeper,
    async replaceSync(config, newIssuer, source) {
      const old = sync;
      sync = null;
      await old?.daemon.stop();
      // The daemon's pace and listener stay as the host was started with (scripts/system.ts: 1 s).
      sync = wire({ intervalMs: syncConfig?.intervalMs, onCycle: syncConfig?.onCycle, ...config });
      secretSource = source;
      currentIssuer = newIssuer;
      wasOnline = null;
      if (started && !closed) sync.daemon.start();
      emit({ kind: 'status-changed' });
    },
    live,
    terminalLost: () => {
      live.setTerminal('DISCONNECTED');
      scheduleRetry();
    },
    terminalSettingsChanged: () => {
      const state = live.terminal().state;
      if (!started || closed || state === 'READY' || state === 'BUSY' || live.currentAttempt()) return;
      clearTimeout(retry);
      retry = undefined;
      // An attempt in flight may have read the old settings: try again after it unless it connected.
      void (connecting ?? Promise.resolve(null)).then(async () => {
        if (closed || live.terminal().state === 'READY') return;
        const r = await connectTerminal();
        if (r.ok) await recoverUnresolvedAttempt(deps);
      });
    },
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    start: async () => {
      // The daemon first: a counter whose terminal is unplugged still syncs what it has.
      started = true;
      sync?.daemon.start();
      const reg = await connectTerminal();
      if (!reg.ok) return reg;
      const r = await recoverUnresolvedAttempt(deps);
      if (!r.ok) return r;
      return ok({ recovered: r.value ? `${r.value.attempt.attemptId}: ${r.value.state}` : null });
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      offReceipt();
      await sync?.daemon.stop();
      await session.close();
      db.close();
    },
  });
}
