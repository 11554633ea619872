/**
 * An order as the ledger reads it: the order row with its payments and operations (one statement,
 * `selectWholeOrder` in store.ts) and the ledger state they make. `forUpdate` takes the order row lock.
 */
import { type OrderState } from '../../src-shared';
import { type Queryable } from '../db/adapter';
import type { OrderRecord, PaymentRecord, StoredOperation } from './rows';
import { orderStateFrom, selectWholeOrder, type WholeOrder } from './whole-order';

export interface LoadedOrder {
  readonly order: OrderRecord;
  readonly payments: readonly PaymentRecord[];
  readonly operations: readonly StoredOperation[];
  readonly state: OrderState;
  /** The database's clock when a locking load began (`WholeOrder.lockedAt`); only on a locking load. */
  readonly lockedAt?: string;
}

/** Loads an order with its payments, operations and derived state; `forUpdate` takes the order row lock. */
export async function loadOrderInTx(
  q: Queryable,
  merchantId: string,
  orderId: string,
  forUpdate = false,
): Promise<LoadedOrder | null> {
  return loadedFrom(await selectWholeOrder(q, merchantId, { orderId }, forUpdate));
}

/** The whole order of a payment (one statement; see `selectWholeOrder` for the locking variant). */
export async function loadOrderOfPaymentInTx(
  q: Queryable,
  merchantId: string,
  paymentId: string,
  forUpdate = false,
): Promise<LoadedOrder | null> {
  return loadedFrom(await selectWholeOrder(q, merchantId, { paymentId }, forUpdate));
}

function loadedFrom(whole: WholeOrder | null): LoadedOrder | null {
  return whole ? loadedOrderFrom(whole) : null;
}

/** An order with its payments and operations, and the ledger state they make. */
export function loadedOrderFrom(whole: WholeOrder): LoadedOrder {
  return { ...whole, state: orderStateFrom(whole.order, whole.operations) };
}

/** An order this transaction just created: nothing paid, nothing to load. */
export const newOrderLoaded = (order: OrderRecord): LoadedOrder =>
  loadedOrderFrom({ order, payments: [], operations: [] });
