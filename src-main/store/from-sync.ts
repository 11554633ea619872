/**
 * `…FromSync` writers: what happened elsewhere (online refunds, a balance charged online, another counter
 * taking a deposit) applied to the local orders so the counter shows true balances. They never enqueue,
 * so nothing learnt from the core is echoed back to it.
 */
import type { CurrencyCode, Operation } from '../../src-shared';
import type { SyncPullResponse } from '../../src-shared/sync-protocol';
import type { StoreDb } from './db';
import { appendOperation, getOrder, getPayment, hasOperation, insertOrder, insertPayment } from './orders';

type FeedOrder = SyncPullResponse['orders'][number];
type FeedChange = SyncPullResponse['changes'][number];

/** Inserts the order when this counter has never seen it (made online or at another counter). */
function ensureOrderFromSync(db: StoreDb, change: FeedChange, info: FeedOrder | undefined, at: string): void {
  if (getOrder(db, change.orderId)) return;
  const op = change.operation as Operation;
  const currency = (info?.currency ?? ('amount' in op ? op.amount.currency : 'EUR')) as CurrencyCode;
  insertOrder(db, {
    orderId: change.orderId,
    kind: 'REMOTE',
    currency,
    totalMinor: info?.total?.amountMinor ?? null,
    taxMinor: 0,
    customerId: null,
    merchantReference: change.merchantReference,
    operatorId: change.operatorId,
    origin: 'SYNC',
    createdAt: change.recordedAt,
    businessDay: change.recordedAt.slice(0, 10) || at.slice(0, 10),
  });
}

function ensurePaymentFromSync(db: StoreDb, change: FeedChange): void {
  const op = change.operation as Operation;
  if (getPayment(db, op.paymentId)) return;
  insertPayment(db, {
    paymentId: op.paymentId,
    orderId: change.orderId,
    channel: op.channel,
    method: null,
    collectedHere: false,
    cardBrand: null,
    cardLast4: null,
    cardToken: null,
    terminalReference: null,
    authorisationCode: null,
    createdAt: change.recordedAt,
  });
}

/** Applies the page's changes in feed order; an operation already known here (by its id) is skipped. */
export function applyChangesFromSyncInTx(db: StoreDb, pull: SyncPullResponse, at: Date): void {
  const infos = new Map(pull.orders.map((o) => [o.orderId, o]));
  const now = at.toISOString();
  const changes = [...pull.changes].sort((a, b) => a.position - b.position);
  for (const change of changes) {
    const op = change.operation as Operation;
    if (hasOperation(db, op.id)) continue;
    ensureOrderFromSync(db, change, infos.get(change.orderId), now);
    ensurePaymentFromSync(db, change);
    appendOperation(db, change.orderId, op, null, 'SYNC');
  }
  // An order's total can be set or changed elsewhere; the core's figure is the truth for remote orders.
  const setTotal = db.prepare(
    `UPDATE orders SET total_minor = ? WHERE order_id = ? AND origin = 'SYNC' AND total_minor IS NOT ?`,
  );
  for (const o of pull.orders)
    setTotal.run(o.total?.amountMinor ?? null, o.orderId, o.total?.amountMinor ?? null);
}
