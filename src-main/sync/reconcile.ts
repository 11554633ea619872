/**
 * Reconciliation (issue 9): every order whose state differs between the counter and the core, and what was
 * done about it. On demand and at end of day.
 *
 * The core's view of each order is read through a `CoreOrderReader`; the one provided here reads the terminal
 * sync API's order state (`GET /sync/v1/orders/{orderId}`) with the counter's own terminal key, scoped to its
 * store — a counter needs no merchant (back-office) key. The comparison itself is pure.
 */
import { err, ok, type Result } from '../../src-shared';
import type { CoreClient, CoreFailure, OrderStateAnswer } from './core-client';
import type { CycleError, SyncDaemon } from './daemon';

export interface PaymentView {
  paymentId: string;
  collectedMinor: number;
  refundedMinor: number;
  cancelled: boolean;
}

export interface OrderView {
  orderId: string;
  currency: string;
  totalMinor: number | null;
  collectedMinor: number;
  refundedMinor: number;
  payments: PaymentView[];
}

export interface LocalOrderView extends OrderView {
  /** Messages of this order are still in the outbox: a difference is expected until they are pushed. */
  queued: boolean;
}

export type DifferenceKind =
  | 'MISSING_IN_CORE'
  | 'TOTAL_DIFFERS'
  | 'COLLECTED_DIFFERS'
  | 'REFUNDED_DIFFERS'
  | 'PAYMENT_MISSING_IN_CORE'
  | 'PAYMENT_MISSING_ON_COUNTER'
  | 'PAYMENT_COLLECTED_DIFFERS'
  | 'PAYMENT_REFUNDED_DIFFERS'
  | 'PAYMENT_CANCELLED_DIFFERS';

/**
 * WAITING_IN_QUEUE: the order's messages are queued; the difference closes when they are pushed.
 * FOR_MANAGER: nothing queued explains it (after a full pull): listed for a manager, never auto-corrected,
 * because which side is right is a business decision (a refund the counter paid out in cash, say).
 */
export type DifferenceAction = 'WAITING_IN_QUEUE' | 'FOR_MANAGER';

export interface OrderDifference {
  orderId: string;
  kind: DifferenceKind;
  paymentId: string | null;
  counter: number | string | boolean | null;
  core: number | string | boolean | null;
  action: DifferenceAction;
}

/** Pure: every difference between the counter's orders and the core's views of them (null = not in core). */
export function compareOrders(
  local: readonly LocalOrderView[],
  core: ReadonlyMap<string, OrderView | null>,
): OrderDifference[] {
  const out: OrderDifference[] = [];
  for (const l of local) {
    const action: DifferenceAction = l.queued ? 'WAITING_IN_QUEUE' : 'FOR_MANAGER';
    const add = (
      kind: DifferenceKind,
      paymentId: string | null,
      counter: OrderDifference['counter'],
      coreValue: OrderDifference['core'],
    ) => out.push({ orderId: l.orderId, kind, paymentId, counter, core: coreValue, action });
    const c = core.get(l.orderId) ?? null;
    if (!c) {
      add('MISSING_IN_CORE', null, l.orderId, null);
      continue;
    }
    if (l.totalMinor !== c.totalMinor) add('TOTAL_DIFFERS', null, l.totalMinor, c.totalMinor);
    if (l.collectedMinor !== c.collectedMinor)
      add('COLLECTED_DIFFERS', null, l.collectedMinor, c.collectedMinor);
    if (l.refundedMinor !== c.refundedMinor) add('REFUNDED_DIFFERS', null, l.refundedMinor, c.refundedMinor);
    const corePayments = new Map(c.payments.map((p) => [p.paymentId, p]));
    const localIds = new Set(l.payments.map((p) => p.paymentId));
    for (const p of l.payments) {
      const cp = corePayments.get(p.paymentId);
      if (!cp) {
        add('PAYMENT_MISSING_IN_CORE', p.paymentId, p.collectedMinor, null);
        continue;
      }
      if (p.collectedMinor !== cp.collectedMinor) {
        add('PAYMENT_COLLECTED_DIFFERS', p.paymentId, p.collectedMinor, cp.collectedMinor);
      }
      if (p.refundedMinor !== cp.refundedMinor) {
        add('PAYMENT_REFUNDED_DIFFERS', p.paymentId, p.refundedMinor, cp.refundedMinor);
      }
      if (p.cancelled !== cp.cancelled)
        add('PAYMENT_CANCELLED_DIFFERS', p.paymentId, p.cancelled, cp.cancelled);
    }
    for (const cp of c.payments) {
      if (!localIds.has(cp.paymentId))
        add('PAYMENT_MISSING_ON_COUNTER', cp.paymentId, null, cp.collectedMinor);
    }
  }
  return out;
}

export interface CoreOrderReader {
  /** The core's view of each order; null for an order the core does not have. */
  readOrders(orderIds: readonly string[]): Promise<Result<Map<string, OrderView | null>, CoreFailure>>;
}

/** The core's order state as an OrderView: refunds and payouts both count as money given back. */
export function orderViewFromCore(o: OrderStateAnswer): OrderView {
  return {
    orderId: o.orderId,
    currency: o.currency,
    totalMinor: o.total?.amountMinor ?? null,
    collectedMinor: o.balances.collected.amountMinor,
    refundedMinor: o.balances.refunded.amountMinor + o.balances.paidOut.amountMinor,
    payments: o.payments.flatMap((p) =>
      p.balances === null
        ? []
        : [
            {
              paymentId: p.paymentId,
              collectedMinor: p.balances.collected.amountMinor,
              refundedMinor: p.balances.refunded.amountMinor + p.balances.paidOut.amountMinor,
              cancelled: p.balances.cancelled,
            },
          ],
    ),
  };
}

/** Requests in flight at once while reading many orders: quick for a day's orders, gentle on the core. */
const READ_CONCURRENCY = 4;

/**
 * Reads the core's orders with the terminal's own key (`GET /sync/v1/orders/{orderId}`). ORDER_NOT_FOUND is
 * "the core does not have it" (for an order of this counter: not pushed yet, or refused); any other failure
 * ends the read with that failure.
 */
export function createTerminalOrderReader(client: Pick<CoreClient, 'order'>): CoreOrderReader {
  return {
    async readOrders(orderIds) {
      const views = new Map<string, OrderView | null>();
      let failure: CoreFailure | null = null;
      let next = 0;
      const worker = async () => {
        while (failure === null && next < orderIds.length) {
          const id = orderIds[next++]!;
          const r = await client.order(id);
          if (r.ok) views.set(id, orderViewFromCore(r.value));
          else if (r.error.code === 'ORDER_NOT_FOUND') views.set(id, null);
          else failure ??= r.error;
        }
      };
      await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, orderIds.length) }, worker));
      return failure ? err(failure) : ok(views);
    },
  };
}

export interface ReconciliationReport {
  at: string;
  ordersChecked: number;
  differences: OrderDifference[];
  /** Why the sync before the comparison did not complete (differences may then be only "waiting in queue"). */
  syncError: CycleError | null;
}

/**
 * Reconciliation on demand or at end of day: first a full sync cycle (push what is queued, pull the feed, so
 * that what the feed can fix is fixed), then the comparison of every local order with the core's view.
 */
export async function reconcileWithCore(deps: {
  daemon: Pick<SyncDaemon, 'syncNow'>;
  /** The counter's orders to check (e.g. today's, or those touched since the last reconciliation). */
  localOrders: () => LocalOrderView[];
  core: CoreOrderReader;
  now?: () => Date;
}): Promise<Result<ReconciliationReport, CoreFailure>> {
  const cycle = await deps.daemon.syncNow();
  const local = deps.localOrders();
  const views = await deps.core.readOrders(local.map((o) => o.orderId));
  if (!views.ok) return err(views.error);
  return ok({
    at: (deps.now?.() ?? new Date()).toISOString(),
    ordersChecked: local.length,
    differences: compareOrders(local, views.value),
    syncError: cycle.error,
  });
}
