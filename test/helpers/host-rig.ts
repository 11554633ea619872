/**
 * A counter for tests: a real SQLite store in a temporary directory, the ZVT session registered with a
 * virtual terminal (in-process line by default, a real pty on request), and the checkout dependencies.
 */
import type { CheckoutDeps, CheckoutEvent, CoreRefundPort } from '../../src-main/checkout/context';
import { DEFAULT_POLICY } from '../../src-main/checkout/context';
import { COUNTER_SETTING, type OfflineLimits } from '../../src-main/checkout/counter-settings';
import { enrollStaff } from '../../src-main/checkout/staff';
import { learnTerminalBaseline } from '../../src-main/checkout/terminal-attempts';
import { wireSync, type WiredSync } from '../../src-main/host/sync-wiring';
import { setSetting, type StoreDb } from '../../src-main/store';
import { createRig, type Rig, type RigOptions, type Transport } from '../integration/zvt/rig';
import { newIdGenerator, openTestStore, tempDataDir } from './host-store';

export interface HostRig {
  readonly deps: CheckoutDeps;
  readonly db: StoreDb;
  readonly rig: Rig;
  readonly events: CheckoutEvent[];
  readonly dir: string;
  online: boolean;
  syncs: number;
  close(): Promise<void>;
}

/** Offline limits no test run reaches (written directly: above what the settings screen accepts). */
export const WIDE_OFFLINE_LIMITS: OfflineLimits = {
  perPaymentMaxMinor: 100_000_000,
  totalMaxMinor: 100_000_000,
  maxCount: 100_000_000,
  maxAgeHours: 720,
  collectAtCounterAboveMinor: 0,
};

export async function createHostRig(
  o: {
    transport?: Transport;
    dir?: string;
    core?: CoreRefundPort;
    syncNow?: () => Promise<void>;
    staff?: boolean;
    /**
     * The offline card limits (settings `offline.limits`). The rig is offline by default (`online` false)
     * and most tests are about other rules, so it starts with limits no test sale reaches; the offline
     * policy's own tests give the limits they check.
     */
    offlineLimits?: Partial<OfflineLimits>;
    rig?: RigOptions;
  } = {},
): Promise<HostRig> {
  const rig = await createRig(o.transport ?? 'in-process-serial', o.rig);
  const reg = await rig.session.register();
  if (!reg.ok) throw new Error(reg.error.message);
  const dir = o.dir ?? tempDataDir();
  const db = openTestStore(dir);
  setSetting(db, COUNTER_SETTING.offline, o.offlineLimits ?? WIDE_OFFLINE_LIMITS);
  const events: CheckoutEvent[] = [];
  const h: HostRig = {
    deps: undefined as unknown as CheckoutDeps,
    db,
    rig,
    events,
    dir,
    online: false,
    syncs: 0,
    close: async () => {
      db.close();
      await rig.close();
    },
  };
  const deps: CheckoutDeps = {
    db,
    terminal: rig.session,
    clock: () => new Date(),
    newId: newIdGenerator(),
    issuer: 1000,
    currency: 'EUR',
    policy: { ...DEFAULT_POLICY },
    emit: (e) => events.push(e),
    core: o.core,
    isOnline: () => h.online,
    syncNow: async () => {
      h.syncs++;
      await o.syncNow?.();
    },
  };
  (h as { deps: CheckoutDeps }).deps = deps;
  await learnTerminalBaseline(deps);
  if (o.staff !== false) {
    for (const s of [
      { staffId: 'cashier', name: 'Cara Cashier', role: 'CASHIER' as const, pin: '1111' },
      { staffId: 'manager', name: 'Max Manager', role: 'MANAGER' as const, pin: '9999' },
    ]) {
      const r = enrollStaff(deps, s);
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  return h;
}

export const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' as const });
export const MANAGER = { managerId: 'manager', managerPin: '9999' };

/**
 * The rig synced with a core, wired as the host's composition wires it (host/compose.ts): the daemon over the
 * terminal key, the core's issuer, the refund port, online state and sync now. `awaitOnlineKnown`: also
 * let card payments wait for the daemon's first answer after the start, as the host does.
 */
export function connectRigToCore(
  h: HostRig,
  terminal: { baseUrl: string; keyId: string; secret: string; issuer: number },
  o: { awaitOnlineKnown?: boolean } = {},
): WiredSync {
  const sync = wireSync(h.db, { baseUrl: terminal.baseUrl, keyId: terminal.keyId, secret: terminal.secret });
  Object.assign(h.deps, {
    issuer: terminal.issuer,
    core: sync.refundPort,
    isOnline: sync.isOnline,
    syncNow: sync.syncNow,
    ...(o.awaitOnlineKnown ? { awaitOnlineKnown: sync.awaitOnlineKnown } : {}),
  });
  return sync;
}
