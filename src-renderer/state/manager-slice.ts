/**
 * The manager's area (issue 10): orders and their timelines, refunds, the queue, sync exceptions,
 * reconciliation, end of day, the cash drawer and the settings. Its own small vanilla store (created by the
 * area with the host link), so the cashier's store stays as it is; view state only, the host holds the truth.
 * The pure rules (amount parsing, what a refund may take and why, how a host refusal reads) are exported and
 * unit-tested; the actions call the host contract's commands by name (src-shared/host-api.ts).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CurrencyCode } from '../../src-shared/currencies';
import type { HostCommandInput, HostCommandName, HostCommandOutput } from '../../src-shared/host-api';
import { parseMoney } from '../../src-shared/money';
import type { HostCallResult, HostLink } from '../host-link';

export type ManagerView =
  'orders' | 'order' | 'refund' | 'queue' | 'exceptions' | 'reconcile' | 'day' | 'drawer' | 'settings';

export type OrderSummary = HostCommandOutput<'order.search'>[number];
export type Timeline = HostCommandOutput<'order.timeline'>;
export type RefundableView = HostCommandOutput<'order.refundable'>;
export type RefundablePayment = RefundableView['payments'][number];
export type RefundOutcome = HostCommandOutput<'refund.execute'>;
export type QueueItem = HostCommandOutput<'queue.list'>[number];
export type SyncResult = HostCommandOutput<'sync.now'>;
export type SyncException = HostCommandOutput<'exceptions.list'>[number];
export type Reconciliation = HostCommandOutput<'reconcile.run'>;
export type ZReport = HostCommandOutput<'day.close'>;
export type Settings = HostCommandOutput<'settings.get'>;
export type SerialPortInfo = HostCommandOutput<'terminal.ports'>[number];
export type RefundMethod = HostCommandInput<'refund.execute'>['method'];

/** A message for the manager: a key of the manager texts (with params), or the host's own words. */
export interface ManagerNotice {
  tone: 'good' | 'bad' | 'info';
  key?: string;
  params?: Record<string, string | number>;
  /** The host's message, shown as is (the error catalog's sentences say what to do). */
  text?: string;
  /** REFUND_ORDER_LOCKED for a repeat: the earlier refund, to name it in the manager's language. */
  locked?: LockedRefund;
}

export interface ManagerCredentials {
  managerId: string;
  managerPin: string;
}

// ── Pure rules ─────────────────────────────────────────────────────────────────────────────────────

/** Parses an amount the manager typed, in the display locale; null with the reason when it is not one. */
export function parseAmount(
  text: string,
  currency: CurrencyCode,
  locale: string,
): { ok: true; minor: number } | { ok: false; reason: string } {
  const r = parseMoney(text, currency, { locale });
  if (!r.ok) return { ok: false, reason: r.error.message };
  if (r.value.amountMinor <= 0) return { ok: false, reason: 'the amount must be more than zero' };
  return { ok: true, minor: r.value.amountMinor };
}

/** Why a payment's refundable amount is less than what was paid, as notice keys with their amounts. */
export interface RefundableReason {
  key:
    | 'refund.why.refundedHere'
    | 'refund.why.refundedElsewhere'
    | 'refund.why.offlineCashCap'
    | 'refund.why.cashOnlyInCash'
    | 'refund.why.orderCap';
  amountMinor: number;
}

export function refundableReasons(
  p: RefundablePayment,
  view: Pick<RefundableView, 'offlineCashCapMinor' | 'refundableMinor'>,
  o: { online: boolean; method: RefundMethod },
): RefundableReason[] {
  const out: RefundableReason[] = [];
  const here = p.refundedMinor - p.refundedElsewhereMinor;
  if (here > 0) out.push({ key: 'refund.why.refundedHere', amountMinor: here });
  if (p.refundedElsewhereMinor > 0)
    out.push({ key: 'refund.why.refundedElsewhere', amountMinor: p.refundedElsewhereMinor });
  const leftOnPayment = p.collectedMinor - p.refundedMinor;
  if (p.refundableMinor < leftOnPayment && view.refundableMinor < leftOnPayment) {
    out.push({ key: 'refund.why.orderCap', amountMinor: view.refundableMinor });
  }
  if (o.method === 'CASH' && !o.online && view.offlineCashCapMinor < p.refundableMinor) {
    out.push({ key: 'refund.why.offlineCashCap', amountMinor: view.offlineCashCapMinor });
  }
  if (p.method === 'CASH' && o.method !== 'CASH')
    out.push({ key: 'refund.why.cashOnlyInCash', amountMinor: 0 });
  return out;
}

/** The most a refund of this payment by this method may take now. */
export function refundLimit(
  p: RefundablePayment,
  view: Pick<RefundableView, 'offlineCashCapMinor'>,
  o: { online: boolean; method: RefundMethod },
): number {
  if (p.method === 'CASH' && o.method !== 'CASH') return 0;
  if (o.method === 'CASH' && !o.online) return Math.min(p.refundableMinor, view.offlineCashCapMinor);
  return p.refundableMinor;
}

/** The methods that make sense for a payment: cash back for cash; for a card, the card (core or present) or cash. */
export function refundMethods(p: RefundablePayment): RefundMethod[] {
  return p.method === 'CASH' ? ['CASH'] : ['CORE_CARD', 'TERMINAL_CARD', 'CASH'];
}

export interface LockedRefund {
  amount: string;
  /** ONLINE, IN_STORE or BACK_OFFICE: where the earlier refund was made. */
  channel: 'ONLINE' | 'IN_STORE' | 'BACK_OFFICE' | 'UNKNOWN';
  /** ISO time of the earlier refund. */
  at: string;
  reference: string;
}

const CHANNEL_FROM_WORDS: Record<string, LockedRefund['channel']> = {
  online: 'ONLINE',
  'at the counter': 'IN_STORE',
  'in the back office': 'BACK_OFFICE',
};

/**
 * The earlier refund named in a REFUND_ORDER_LOCKED refusal ("…it repeats the refund of €10.00 made online at
 * 08:10:00 UTC on 2026-12-03 (refund 1000…_2)…"), so the screen can say it in the manager's language.
 */
export function lockedRefundOf(message: string): LockedRefund | null {
  const m =
    /repeats the (?:refund|payout) of (\S+) made (.+?) at (\d\d:\d\d:\d\d) UTC on (\d{4}-\d\d-\d\d) \((?:refund|payout) ([^)]+)\)/.exec(
      message,
    );
  if (!m) return null;
  return {
    amount: m[1]!,
    channel: CHANNEL_FROM_WORDS[m[2]!] ?? 'UNKNOWN',
    at: `${m[4]!}T${m[3]!}Z`,
    reference: m[5]!,
  };
}

/**
 * The core writes times in its sentences as UTC ("at 08:10:00 UTC on 2026-12-03"); shown under a sentence
 * that gives the same time in the manager's time zone, each such time is rewritten with `format` (the
 * screen's local date and time), so one notice never shows two clocks.
 */
export function localiseCoreTimes(text: string, format: (iso: string) => string): string {
  return text.replace(/(\d\d:\d\d:\d\d) UTC on (\d{4}-\d\d-\d\d)/g, (_, time: string, day: string) =>
    format(`${day}T${time}Z`),
  );
}

/** How a host refusal reads on the manager's screens. */
export function noticeForError(error: { code: string; message: string }): ManagerNotice {
  switch (error.code) {
    case 'STAFF_PIN_INVALID':
      return { tone: 'bad', key: 'manager.wrongPin', text: error.message };
    case 'STAFF_LOCKED_OUT':
      return { tone: 'bad', key: 'manager.lockedOut', text: error.message };
    case 'MANAGER_REQUIRED':
      return { tone: 'bad', key: 'manager.notAManager' };
    case 'REFUND_ORDER_LOCKED': {
      const earlier = lockedRefundOf(error.message);
      return earlier
        ? { tone: 'bad', key: 'refund.lockedRepeat', locked: earlier, text: error.message }
        : { tone: 'bad', key: 'refund.lockedBusy', text: error.message };
    }
    default:
      return { tone: 'bad', text: error.message };
  }
}

/** What the manager sees after a refund the host answered. */
export function noticeForRefund(r: RefundOutcome): ManagerNotice {
  if (r.state === 'DONE') return { tone: 'good', key: 'refund.done', params: { reference: r.reference } };
  if (r.state === 'PENDING')
    return { tone: 'info', key: 'refund.pending', params: { reference: r.reference } };
  if (r.error) {
    const n = noticeForError(r.error);
    return r.error.code === 'REFUND_REFUSED_BY_CORE' && r.error.message.includes('REFUND_ORDER_LOCKED')
      ? { ...noticeForError({ code: 'REFUND_ORDER_LOCKED', message: r.error.message }) }
      : n;
  }
  return { tone: 'bad', key: 'refund.notRefunded' };
}

/** End of day may close only when nothing waits for the core, or the manager confirms knowingly. */
export function dayCloseWarning(queued: number): ManagerNotice | null {
  return queued > 0 ? { tone: 'bad', key: 'day.queuedWarning', params: { count: queued } } : null;
}

// ── The store ──────────────────────────────────────────────────────────────────────────────────────

export interface OrderQueryInput {
  orderId?: string;
  paymentId?: string;
  customer?: string;
  businessDay?: string;
}

export interface DrawerState {
  open: boolean;
  expectedMinor: number | null;
}

export interface ManagerState {
  view: ManagerView;
  /** The command in flight (one at a time: no double submit). */
  busy: HostCommandName | null;
  notice: ManagerNotice | null;
  online: boolean;
  // orders
  results: OrderSummary[] | null;
  presentedCard: string | null;
  timeline: Timeline | null;
  refundable: RefundableView | null;
  refundPaymentId: string | null;
  lastRefund: RefundOutcome | null;
  // queue, exceptions, reconciliation
  queue: QueueItem[] | null;
  lastSync: SyncResult | null;
  exceptions: SyncException[] | null;
  showResolved: boolean;
  reconciliation: Reconciliation | null;
  // end of day, drawer
  preview: ZReport | null;
  zReport: ZReport | null;
  drawer: DrawerState | null;
  lastCount: HostCommandOutput<'drawer.close'> | null;
  /** The drawer count needs a manager and a reason (difference over the limit). */
  countNeedsManager: boolean;
  // settings
  settings: Settings | null;
  ports: SerialPortInfo[] | null;
  terminalTest: { ok: boolean; message: string } | null;
  /** The last enrolment answer (saved, or the queue that asks for a confirmation first). */
  enrolment: HostCommandOutput<'core.enrol'> | null;
}

export interface ManagerActions {
  show(view: ManagerView): void;
  dismissNotice(): void;
  searchOrders(q: OrderQueryInput): Promise<void>;
  presentCard(): Promise<void>;
  openOrder(orderId: string): Promise<void>;
  startRefund(paymentId: string): void;
  refund(input: {
    paymentId: string;
    amountText: string;
    method: RefundMethod;
    reason: string;
    manager: ManagerCredentials;
  }): Promise<boolean>;
  loadQueue(): Promise<void>;
  syncNow(): Promise<void>;
  loadExceptions(includeResolved?: boolean): Promise<void>;
  resolveException(input: {
    exceptionId: string;
    action: 'ACKNOWLEDGE' | 'RESEND';
    note: string;
    manager: ManagerCredentials;
  }): Promise<boolean>;
  reconcile(businessDay?: string): Promise<void>;
  previewDay(): Promise<void>;
  closeDay(): Promise<void>;
  loadDrawer(): Promise<void>;
  openDrawer(floatText: string): Promise<boolean>;
  moveCash(input: {
    direction: 'IN' | 'OUT';
    kind: 'PETTY_CASH' | 'SAFE_DROP';
    amountText: string;
    note: string;
  }): Promise<boolean>;
  closeDrawer(input: {
    countedText: string;
    reason?: string;
    manager?: ManagerCredentials;
  }): Promise<boolean>;
  loadSettings(): Promise<void>;
  saveSettings(
    change: Omit<HostCommandInput<'settings.put'>, 'manager'>,
    manager: ManagerCredentials,
  ): Promise<boolean>;
  testTerminal(): Promise<void>;
  /** Enrols with a core (the host checks it with the core first); null when refused (the notice says why). */
  enrol(
    input: Omit<HostCommandInput<'core.enrol'>, 'manager'>,
    manager: ManagerCredentials,
  ): Promise<HostCommandOutput<'core.enrol'> | null>;
}

export type ManagerStore = ManagerState & ManagerActions;
export type ManagerStoreApi = StoreApi<ManagerStore>;

export interface ManagerDeps {
  host: HostLink;
  currency: CurrencyCode;
  locale: string;
  /** The signed-in staff member: the operator of every step (a manager's PIN authorises it). */
  operatorId: string;
}

export const initialManagerState: ManagerState = {
  view: 'orders',
  busy: null,
  notice: null,
  online: true,
  results: null,
  presentedCard: null,
  timeline: null,
  refundable: null,
  refundPaymentId: null,
  lastRefund: null,
  queue: null,
  lastSync: null,
  exceptions: null,
  showResolved: false,
  reconciliation: null,
  preview: null,
  zReport: null,
  drawer: null,
  lastCount: null,
  countNeedsManager: false,
  settings: null,
  ports: null,
  terminalTest: null,
  enrolment: null,
};

/** Long enough for a card read or a terminal test (the terminal waits for the customer). */
const TERMINAL_CALL_TIMEOUT_MS = 150_000;
const SYNC_CALL_TIMEOUT_MS = 45_000;

export function createManagerStore(deps: ManagerDeps): ManagerStoreApi {
  return createStore<ManagerStore>()((set, get) => {
    /** One command at a time; the answer's error becomes the notice. */
    async function run<K extends HostCommandName>(
      command: K,
      input: HostCommandInput<K> | Record<string, unknown>,
      options?: { timeoutMs?: number },
    ): Promise<HostCommandOutput<K> | null> {
      set({ busy: command, notice: null });
      const r = (await deps.host.call<HostCommandOutput<K>>(command, input, options)) as HostCallResult<
        HostCommandOutput<K>
      >;
      set({ busy: null });
      if (r.ok) return r.value;
      if (r.unreachable) set({ notice: { tone: 'bad', key: 'manager.hostUnreachable' } });
      else set({ notice: noticeForError(r.error) });
      return null;
    }
    const amount = (text: string) => parseAmount(text, deps.currency, deps.locale);
    const badAmount = (reason: string) =>
      set({ notice: { tone: 'bad', key: 'manager.badAmount', params: { reason } } });

    async function readStatus(): Promise<HostCommandOutput<'status'> | null> {
      const r = await deps.host.call<HostCommandOutput<'status'>>('status', {});
      if (!r.ok) return null;
      set({
        online: r.value.online,
        drawer: { open: r.value.drawerOpen, expectedMinor: r.value.drawerExpectedMinor },
      });
      return r.value;
    }

    return {
      ...initialManagerState,
      show(view) {
        set({ view, notice: null });
        const s = get();
        if (view === 'queue') void s.loadQueue();
        if (view === 'exceptions') void s.loadExceptions(s.showResolved);
        if (view === 'day') void s.previewDay();
        if (view === 'drawer') void s.loadDrawer();
        if (view === 'settings') void s.loadSettings();
      },
      dismissNotice: () => set({ notice: null }),
      async searchOrders(q) {
        const input = Object.fromEntries(
          Object.entries(q)
            .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])
            .filter(([, v]) => v),
        );
        const r = await run('order.search', { ...input, limit: 100 });
        if (r) set({ results: [...r], presentedCard: null });
      },
      async presentCard() {
        set({ notice: { tone: 'info', key: 'orders.presentCardNow' } });
        const card = await run('card.read', { timeoutSeconds: 60 }, { timeoutMs: TERMINAL_CALL_TIMEOUT_MS });
        if (!card) return;
        const r = await run('order.search', { cardToken: card.cardToken, limit: 100 });
        if (r) set({ results: [...r], presentedCard: card.maskedPan ?? '••••' });
      },
      async openOrder(orderId) {
        const [t, v] = await Promise.all([
          run('order.timeline', { orderId }),
          deps.host.call<RefundableView>('order.refundable', { orderId }),
        ]);
        await readStatus();
        if (!t) return;
        set({ timeline: t, refundable: v.ok ? v.value : null, view: 'order' });
      },
      startRefund(paymentId) {
        set({ refundPaymentId: paymentId, view: 'refund', notice: null, lastRefund: null });
      },
      async refund(input) {
        const a = amount(input.amountText);
        if (!a.ok) {
          badAmount(a.reason);
          return false;
        }
        const view = get().refundable;
        const p = view?.payments.find((x) => x.paymentId === input.paymentId);
        if (view && p) {
          const limit = refundLimit(p, view, { online: get().online, method: input.method });
          if (a.minor > limit) {
            set({ notice: { tone: 'bad', key: 'refund.overLimit', params: { limitMinor: limit } } });
            return false;
          }
        }
        const r = await run(
          'refund.execute',
          {
            paymentId: input.paymentId,
            amountMinor: a.minor,
            method: input.method,
            reason: input.reason.trim(),
            operatorId: deps.operatorId,
            manager: input.manager,
          },
          input.method === 'TERMINAL_CARD' ? { timeoutMs: TERMINAL_CALL_TIMEOUT_MS } : undefined,
        );
        if (!r) return false;
        set({ lastRefund: r, notice: noticeForRefund(r) });
        const orderId = r.orderId;
        const [t, v] = await Promise.all([
          deps.host.call<Timeline>('order.timeline', { orderId }),
          deps.host.call<RefundableView>('order.refundable', { orderId }),
        ]);
        if (t.ok) set({ timeline: t.value });
        if (v.ok) set({ refundable: v.value });
        return r.state === 'DONE' || r.state === 'PENDING';
      },
      async loadQueue() {
        const r = await run('queue.list', {});
        if (r) set({ queue: [...r] });
      },
      async syncNow() {
        // A core that hangs is waited for by the host up to its own timeout (15 s), maybe twice (a running cycle).
        const r = await run('sync.now', {}, { timeoutMs: SYNC_CALL_TIMEOUT_MS });
        if (!r) return;
        set({
          lastSync: r,
          online: r.online,
          notice: r.error
            ? { tone: 'bad', key: 'queue.syncFailed', text: r.error }
            : { tone: 'good', key: 'queue.synced', params: { pushed: r.pushed, pulled: r.pulled } },
        });
        const q = await deps.host.call<QueueItem[]>('queue.list', {});
        if (q.ok) set({ queue: [...q.value] });
      },
      async loadExceptions(includeResolved = get().showResolved) {
        set({ showResolved: includeResolved });
        const r = await run('exceptions.list', { includeResolved });
        if (r) set({ exceptions: [...r] });
      },
      async resolveException(input) {
        const r = await run('exception.resolve', input);
        if (!r) return false;
        set({
          notice: {
            tone: 'good',
            key: input.action === 'RESEND' ? 'exceptions.resent' : 'exceptions.acknowledged',
          },
        });
        const list = await deps.host.call<SyncException[]>('exceptions.list', {
          includeResolved: get().showResolved,
        });
        if (list.ok) set({ exceptions: [...list.value] });
        return true;
      },
      async reconcile(businessDay) {
        const r = await run('reconcile.run', businessDay ? { businessDay } : {}, {
          timeoutMs: SYNC_CALL_TIMEOUT_MS,
        });
        if (r) set({ reconciliation: r, notice: r.error ? { tone: 'bad', text: r.error } : null });
      },
      async previewDay() {
        const r = await run('day.preview', {});
        if (r) set({ preview: r, notice: dayCloseWarning(r.queued) });
      },
      async closeDay() {
        const r = await run(
          'day.close',
          { operatorId: deps.operatorId },
          { timeoutMs: TERMINAL_CALL_TIMEOUT_MS },
        );
        if (r) set({ zReport: r, preview: null, notice: { tone: 'good', key: 'day.closed' } });
      },
      async loadDrawer() {
        await readStatus();
      },
      async openDrawer(floatText) {
        const a = parseMoney(floatText.trim() === '' ? '0' : floatText, deps.currency, {
          locale: deps.locale,
        });
        if (!a.ok || a.value.amountMinor < 0) {
          badAmount(a.ok ? 'the float cannot be negative' : a.error.message);
          return false;
        }
        const r = await run('drawer.open', { floatMinor: a.value.amountMinor, operatorId: deps.operatorId });
        if (!r) return false;
        set({ notice: { tone: 'good', key: 'drawer.opened' }, lastCount: null });
        await readStatus();
        return true;
      },
      async moveCash(input) {
        const a = amount(input.amountText);
        if (!a.ok) {
          badAmount(a.reason);
          return false;
        }
        const r = await run('drawer.move', {
          direction: input.direction,
          kind: input.kind,
          amountMinor: a.minor,
          note: input.note.trim() || undefined,
          operatorId: deps.operatorId,
        });
        if (!r) return false;
        set({
          notice: { tone: 'good', key: input.direction === 'IN' ? 'drawer.paidIn' : 'drawer.paidOut' },
          drawer: { open: true, expectedMinor: r.expectedMinor },
        });
        return true;
      },
      async closeDrawer(input) {
        const a = parseMoney(input.countedText.trim() === '' ? '' : input.countedText, deps.currency, {
          locale: deps.locale,
        });
        if (!a.ok || a.value.amountMinor < 0) {
          badAmount(a.ok ? 'the count cannot be negative' : a.error.message);
          return false;
        }
        set({ busy: 'drawer.close', notice: null });
        const r = await deps.host.call<HostCommandOutput<'drawer.close'>>('drawer.close', {
          countedMinor: a.value.amountMinor,
          operatorId: deps.operatorId,
          reason: input.reason?.trim() || undefined,
          manager: input.manager,
        });
        set({ busy: null });
        if (!r.ok) {
          if (r.unreachable) set({ notice: { tone: 'bad', key: 'manager.hostUnreachable' } });
          else if (r.error.code === 'CASH_DIFFERENCE_NEEDS_MANAGER')
            set({
              countNeedsManager: true,
              notice: { tone: 'bad', key: 'drawer.needsManager', text: r.error.message },
            });
          else set({ notice: noticeForError(r.error) });
          return false;
        }
        set({ lastCount: r.value, countNeedsManager: false, notice: { tone: 'good', key: 'drawer.closed' } });
        await readStatus();
        return true;
      },
      async loadSettings() {
        const s = await run('settings.get', {});
        if (s) set({ settings: s });
        const p = await deps.host.call<SerialPortInfo[]>('terminal.ports', {});
        set({ ports: p.ok ? [...p.value] : [] });
      },
      async saveSettings(change, manager) {
        const r = await run('settings.put', { ...change, manager });
        if (!r) return false;
        set({ settings: r, notice: { tone: 'good', key: 'settings.saved' } });
        return true;
      },
      async enrol(input, manager) {
        set({ enrolment: null });
        // The host waits up to 10 s for the core; the link's default would give up first on a slow one.
        const r = await run('core.enrol', { ...input, manager }, { timeoutMs: 30_000 });
        if (!r) {
          // The host's sentence says what was wrong; the lead says, in the manager's language, that nothing changed.
          const n = get().notice;
          if (n && !n.key) set({ notice: { ...n, key: 'enrol.refused' } });
          return null;
        }
        set({ enrolment: r });
        if (r.saved) {
          set({ notice: { tone: 'good', key: 'enrol.saved' } });
          const s = await deps.host.call<Settings>('settings.get', {});
          if (s.ok) set({ settings: s.value });
          await readStatus();
        }
        return r;
      },
      async testTerminal() {
        set({ terminalTest: null });
        const r = await run('terminal.test', {}, { timeoutMs: 60_000 });
        if (r) set({ terminalTest: r });
      },
    };
  });
}
