/**
 * Sales, deposits and balances: the order is created with its lines and its ORDER_CREATED message in one
 * transaction; each tender is a payment on it (cash at once, card through the terminal attempt). A split
 * tender is several payments on one order. A deposit is an order with a total of which only part is paid
 * now, by the customer's card kept on file, so the core can charge the balance later on the same order.
 */
import {
  domainError,
  err,
  mintPaymentId,
  ok,
  orderBalances,
  toDecimalString,
  type DomainError,
  type PaymentId,
  type Result,
  type Uuid,
} from '../../src-shared';
import {
  appendOperation,
  currentCashSession,
  enqueueMessage,
  getOrder,
  insertCashMovement,
  insertCustomer,
  insertOrder,
  insertPayment,
  loadOrderState,
  paymentIdSequenceStore,
  type OrderRecord,
} from '../store';
import { buildCart, type BasketDiscount, type Cart, type CartEntry } from './cart';
import { businessDay, counterNotSetUp, type CheckoutDeps } from './context';
import { cardParts, offlineCardRefusal } from './offline-policy';
import type { PaymentIntent } from './settle';
import { runTerminalAttempt, type AttemptResult } from './terminal-attempts';

export interface CreatedOrder {
  readonly order: OrderRecord;
  readonly cart: Cart | null;
}

/** Writes an order (and its customer) with its ORDER_CREATED message. */
export function createLocalOrder(
  deps: CheckoutDeps,
  input: {
    kind: 'SALE' | 'DEPOSIT';
    cart: Cart | null;
    totalMinor: number;
    operatorId: string;
    customer?: { name: string; contact?: string | null };
    /** Minted by the caller when it must know the id before the order exists (checkout ids). */
    orderId?: string;
  },
): Result<CreatedOrder, DomainError> {
  const now = deps.clock();
  const at = now.toISOString();
  const orderId = input.orderId ?? deps.newId();
  const customerId = input.customer ? deps.newId() : null;
  const order: OrderRecord = {
    orderId,
    kind: input.kind,
    currency: deps.currency,
    totalMinor: input.totalMinor,
    taxMinor: input.cart?.taxMinor ?? 0,
    customerId,
    merchantReference: null,
    operatorId: input.operatorId,
    origin: 'LOCAL',
    createdAt: at,
    businessDay: businessDay(now),
  };
  deps.db.tx(() => {
    if (input.customer && customerId) {
      insertCustomer(deps.db, {
        customerId,
        name: input.customer.name.trim().slice(0, 200),
        contact: input.customer.contact?.trim().slice(0, 200) || null,
        createdAt: at,
      });
    }
    insertOrder(deps.db, order, input.cart?.lines ?? []);
    enqueueMessage(deps.db, {
      messageId: deps.newId(),
      occurredAt: at,
      kind: 'ORDER_CREATED',
      orderId,
      currency: deps.currency,
      total: { amountMinor: input.totalMinor, currency: deps.currency },
      customerRef: customerId,
      operatorId: input.operatorId,
    });
  });
  deps.emit({ kind: 'order-changed', orderId });
  return ok({ order, cart: input.cart });
}

/** What is still due on the order (refuses an order that does not exist or is not local-sale-like). */
export function balanceDueMinor(deps: CheckoutDeps, orderId: string): Result<number, DomainError> {
  const state = loadOrderState(deps.db, orderId);
  if (!state) return err(domainError('ORDER_NOT_FOUND', { orderId }));
  return ok(orderBalances(state).balanceDue?.amountMinor ?? 0);
}

/** `amountMinor` given as a function of what is due, so the balance is read once. */
function checkAmount(
  deps: CheckoutDeps,
  orderId: string,
  amountMinor: number | undefined | ((dueMinor: number) => number),
): Result<number, DomainError> {
  const state = loadOrderState(deps.db, orderId);
  if (!state) return err(domainError('ORDER_NOT_FOUND', { orderId }));
  const due = ok(orderBalances(state).balanceDue?.amountMinor ?? 0);
  const order = { totalMinor: state.total?.amountMinor ?? null };
  if (due.value === 0)
    return err(domainError('CHECKOUT_INVALID', { reason: `order ${orderId} is paid in full` }));
  const amount = typeof amountMinor === 'function' ? amountMinor(due.value) : (amountMinor ?? due.value);
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return err(domainError('AMOUNT_NOT_POSITIVE', { amount }));
  }
  if (amount > due.value) {
    const show = (m: number) =>
      `${toDecimalString({ amountMinor: m, currency: deps.currency })} ${deps.currency}`;
    return err(
      domainError('ORDER_AMOUNT_EXCEEDED', {
        amount: show(amount),
        total: show(order.totalMinor ?? 0),
        balanceDue: show(due.value),
      }),
    );
  }
  return ok(amount);
}

export interface CashPaid {
  readonly paymentId: PaymentId;
  readonly amountMinor: number;
  readonly changeMinor: number;
}

/** A cash tender: the payment, its operation, the drawer movement and the message, in one transaction. */
export function payCash(
  deps: CheckoutDeps,
  input: { orderId: string; tenderedMinor: number; amountMinor?: number; operatorId: string },
): Result<CashPaid, DomainError> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  const drawer = currentCashSession(deps.db);
  if (!drawer) return err(domainError('CASH_DRAWER_CLOSED'));
  const at = deps.clock().toISOString();
  let result: Result<CashPaid, DomainError> = err(domainError('CHECKOUT_INVALID', { reason: 'not run' }));
  deps.db.tx(() => {
    const amount = checkAmount(
      deps,
      input.orderId,
      input.amountMinor ?? ((due: number) => Math.min(input.tenderedMinor, due)),
    );
    if (!amount.ok) {
      result = amount;
      return;
    }
    if (!Number.isSafeInteger(input.tenderedMinor) || input.tenderedMinor < amount.value) {
      result = err(
        domainError('CHECKOUT_INVALID', { reason: 'the cash tendered is less than the amount to pay' }),
      );
      return;
    }
    const paymentId = mintPaymentId(deps.issuer, paymentIdSequenceStore(deps.db));
    const operationId = deps.newId();
    const money = { amountMinor: amount.value, currency: deps.currency };
    insertPayment(deps.db, {
      paymentId,
      orderId: input.orderId,
      channel: 'IN_STORE',
      method: 'CASH',
      collectedHere: true,
      cardBrand: null,
      cardLast4: null,
      cardToken: null,
      terminalReference: null,
      authorisationCode: null,
      createdAt: at,
    });
    appendOperation(
      deps.db,
      input.orderId,
      { id: operationId, paymentId, channel: 'IN_STORE', occurredAt: at, kind: 'SALE', amount: money },
      'CASH',
      'LOCAL',
    );
    insertCashMovement(deps.db, {
      movementId: deps.newId(),
      sessionId: drawer.sessionId,
      direction: 'IN',
      reason: 'SALE',
      amountMinor: amount.value,
      orderId: input.orderId,
      operatorId: input.operatorId,
      at,
    });
    enqueueMessage(deps.db, {
      messageId: deps.newId(),
      occurredAt: at,
      kind: 'PAYMENT_RECORDED',
      orderId: input.orderId,
      paymentId,
      operationId,
      method: 'CASH',
      result: { kind: 'SALE', amount: money },
      operatorId: input.operatorId,
    });
    deps.onLocalPayment?.(input.orderId);
    result = ok({ paymentId, amountMinor: amount.value, changeMinor: input.tenderedMinor - amount.value });
  });
  deps.emit({ kind: 'order-changed', orderId: input.orderId });
  return result;
}

function balanceOrZero(deps: CheckoutDeps, orderId: string): number {
  const d = balanceDueMinor(deps, orderId);
  return d.ok ? d.value : 0;
}

/** A card tender through the terminal (see terminal-attempts.ts for what makes it safe across crashes). */
export async function payCard(
  deps: CheckoutDeps,
  input: {
    orderId: string;
    amountMinor?: number;
    operatorId: string;
    storeCard?: boolean;
    what?: PaymentIntent['what'];
  },
): Promise<Result<AttemptResult, DomainError>> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  const order = getOrder(deps.db, input.orderId);
  if (!order) return err(domainError('ORDER_NOT_FOUND', { orderId: input.orderId }));
  const first = checkAmount(deps, input.orderId, input.amountMinor);
  if (!first.ok) return first;
  const amountMinor = first.value;
  // Offline, the card policy's limits: refused here, before the terminal is asked for anything.
  const refusal = await offlineCardRefusal(deps, [amountMinor]);
  if (refusal) return err(refusal);
  return runTerminalAttempt(deps, {
    kind: 'PAYMENT',
    orderId: input.orderId,
    amountMinor,
    operatorId: input.operatorId,
    what: `Card payment ${toDecimalString({ amountMinor, currency: deps.currency })} ${deps.currency}`,
    prepare: () => {
      // Checked again inside the transaction: a recovery just before may have paid the order.
      const again = checkAmount(deps, input.orderId, amountMinor);
      if (!again.ok) return again;
      const intent: PaymentIntent = {
        what: input.what ?? 'SALE',
        storeCard: input.storeCard ?? false,
        operationId: deps.newId(),
        messageId: deps.newId(),
      };
      return ok({ paymentId: mintPaymentId(deps.issuer, paymentIdSequenceStore(deps.db)), intent });
    },
    run: (t) => t.authorize({ amountMinor, currency: deps.currency }),
  });
}

export type Tender =
  | { readonly method: 'CARD'; readonly amountMinor?: number }
  | { readonly method: 'CASH'; readonly tenderedMinor: number; readonly amountMinor?: number };

export interface TenderResult {
  readonly method: 'CARD' | 'CASH';
  readonly ok: boolean;
  readonly paymentId: PaymentId | null;
  readonly amountMinor: number;
  readonly changeMinor: number;
  readonly state: string;
  readonly error: DomainError | null;
}

export interface SaleResult {
  readonly orderId: Uuid | string;
  readonly totalMinor: number;
  readonly taxes: Cart['taxes'];
  readonly tenders: readonly TenderResult[];
  readonly balanceDueMinor: number;
}

async function runTender(
  deps: CheckoutDeps,
  orderId: string,
  t: Tender,
  operatorId: string,
  extra: { storeCard?: boolean; what?: PaymentIntent['what'] } = {},
): Promise<TenderResult> {
  if (t.method === 'CASH') {
    const r = payCash(deps, {
      orderId,
      tenderedMinor: t.tenderedMinor,
      amountMinor: t.amountMinor,
      operatorId,
    });
    return r.ok
      ? {
          method: 'CASH',
          ok: true,
          paymentId: r.value.paymentId,
          amountMinor: r.value.amountMinor,
          changeMinor: r.value.changeMinor,
          state: 'PAID',
          error: null,
        }
      : {
          method: 'CASH',
          ok: false,
          paymentId: null,
          amountMinor: 0,
          changeMinor: 0,
          state: 'REFUSED',
          error: r.error,
        };
  }
  const r = await payCard(deps, { orderId, amountMinor: t.amountMinor, operatorId, ...extra });
  if (!r.ok)
    return {
      method: 'CARD',
      ok: false,
      paymentId: null,
      amountMinor: 0,
      changeMinor: 0,
      state: 'REFUSED',
      error: r.error,
    };
  const a = r.value;
  return {
    method: 'CARD',
    ok: a.state === 'APPROVED',
    paymentId: a.state === 'APPROVED' ? a.attempt.paymentId : null,
    amountMinor: a.state === 'APPROVED' ? a.attempt.amountMinor : 0,
    changeMinor: 0,
    state: a.state,
    error: a.state === 'APPROVED' ? null : a.error,
  };
}

/**
 * A sale: the cart becomes an order, then each tender runs in turn (card, cash or both); a failed tender
 * stops the rest and leaves the order open with its balance due, to be paid again or abandoned.
 */
export async function checkoutSale(
  deps: CheckoutDeps,
  input: {
    entries: readonly CartEntry[];
    tenders: readonly Tender[];
    operatorId: string;
    orderId?: string;
    /** Off the whole basket, spread over the lines for tax (cart.ts spreadBasketDiscount). */
    basketDiscount?: BasketDiscount | null;
  },
): Promise<Result<SaleResult, DomainError>> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  const cart = buildCart(input.entries, deps.currency, input.basketDiscount);
  if (!cart.ok) return cart;
  if (input.tenders.length === 0) return err(domainError('CHECKOUT_INVALID', { reason: 'no tender given' }));
  if (input.tenders.some((t) => t.method === 'CASH') && !currentCashSession(deps.db)) {
    return err(domainError('CASH_DRAWER_CLOSED'));
  }
  const order = {
    kind: 'SALE' as const,
    cart: cart.value,
    totalMinor: cart.value.totalMinor,
    operatorId: input.operatorId,
    orderId: input.orderId,
  };
  if (input.tenders.every((t) => t.method === 'CASH'))
    return cashOnlySale(deps, order, input.tenders as CashTender[]);
  // Offline, a card part over the limits refuses the sale before anything is written or sent.
  const refusal = await offlineCardRefusal(deps, cardParts(cart.value.totalMinor, input.tenders));
  if (refusal) return err(refusal);
  const created = createLocalOrder(deps, order);
  if (!created.ok) return created;
  const orderId = created.value.order.orderId;
  return ok(await payTenders(deps, orderId, input.tenders, input.operatorId, cart.value));
}

type CashTender = Extract<Tender, { method: 'CASH' }>;

class TenderRefused extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

/**
 * A sale paid in cash only is one transaction (order, lines, payments, drawer, messages: one commit, one
 * fsync). A tender that does not cover its amount rolls the whole sale back: nothing happened.
 */
function cashOnlySale(
  deps: CheckoutDeps,
  order: Parameters<typeof createLocalOrder>[1] & { cart: Cart },
  tenders: readonly CashTender[],
): Result<SaleResult, DomainError> {
  try {
    return deps.db.tx(() => {
      const created = createLocalOrder(deps, order);
      if (!created.ok) throw new TenderRefused(created.error);
      const orderId = created.value.order.orderId;
      const results: TenderResult[] = [];
      for (const t of tenders) {
        const r = payCash(deps, {
          orderId,
          tenderedMinor: t.tenderedMinor,
          amountMinor: t.amountMinor,
          operatorId: order.operatorId,
        });
        if (!r.ok) throw new TenderRefused(r.error);
        results.push({
          method: 'CASH',
          ok: true,
          paymentId: r.value.paymentId,
          amountMinor: r.value.amountMinor,
          changeMinor: r.value.changeMinor,
          state: 'PAID',
          error: null,
        });
      }
      // A new order: what is due is its total minus what these tenders paid.
      const paid = results.reduce((sum, r) => sum + r.amountMinor, 0);
      return ok({
        orderId,
        totalMinor: order.totalMinor,
        taxes: order.cart.taxes,
        tenders: results,
        balanceDueMinor: order.totalMinor - paid,
      });
    });
  } catch (e) {
    if (e instanceof TenderRefused) return err(e.error);
    throw e;
  }
}

/** Runs the tenders in turn on an existing order (also used by deposits and balances). */
export async function payTenders(
  deps: CheckoutDeps,
  orderId: string,
  tenders: readonly Tender[],
  operatorId: string,
  cart: Cart | null,
  extra: { storeCard?: boolean; what?: PaymentIntent['what'] } = {},
): Promise<SaleResult> {
  const results: TenderResult[] = [];
  for (const t of tenders) {
    const r = await runTender(deps, orderId, t, operatorId, extra);
    results.push(r);
    if (!r.ok) break;
  }
  const order = getOrder(deps.db, orderId) as OrderRecord;
  return {
    orderId,
    totalMinor: order.totalMinor ?? 0,
    taxes: cart?.taxes ?? [],
    tenders: results,
    balanceDueMinor: balanceOrZero(deps, orderId),
  };
}
