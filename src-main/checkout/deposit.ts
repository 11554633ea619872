/**
 * Deposits and balances: a deposit is an order with a total of which only part is paid now, by the
 * customer's card kept on file, so the core can charge the balance later on the same order; the balance can
 * also be collected at any counter of the store.
 */
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import { currentCashSession } from '../store';
import { buildCart, type Cart, type CartEntry } from './cart';
import { counterNotSetUp, type CheckoutDeps } from './context';
import { cardParts, offlineCardRefusal } from './offline-policy';
import { balanceDueMinor, createLocalOrder, payTenders, type SaleResult, type Tender } from './sale';

export type DepositAmount = { readonly amountMinor: number } | { readonly percent: number };

/**
 * A deposit for goods not in stock: the customer, the order's total, and a deposit paid now. Paid by card,
 * it is the initial cardholder-initiated payment with the card kept on file (the terminal's token), so the
 * core can charge the balance online later on the same payment id.
 */
export async function takeDeposit(
  deps: CheckoutDeps,
  input: {
    customer: { name: string; contact?: string | null };
    totalMinor?: number;
    entries?: readonly CartEntry[];
    deposit: DepositAmount;
    tender: Tender;
    storeCard?: boolean;
    operatorId: string;
    orderId?: string;
  },
): Promise<Result<SaleResult, DomainError>> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  if (!input.customer.name.trim())
    return err(domainError('CHECKOUT_INVALID', { reason: 'a deposit needs the customer name' }));
  let cart: Cart | null = null;
  let total = input.totalMinor ?? 0;
  if (input.entries && input.entries.length > 0) {
    const c = buildCart(input.entries, deps.currency);
    if (!c.ok) return c;
    cart = c.value;
    total = c.value.totalMinor;
  }
  if (!Number.isSafeInteger(total) || total <= 0)
    return err(domainError('CHECKOUT_INVALID', { reason: 'a deposit needs the order total' }));
  const depositMinor =
    'amountMinor' in input.deposit
      ? input.deposit.amountMinor
      : Math.round((total * Math.round(input.deposit.percent * 100)) / 10_000);
  if (!Number.isSafeInteger(depositMinor) || depositMinor <= 0 || depositMinor > total) {
    return err(
      domainError('CHECKOUT_INVALID', { reason: 'the deposit must be more than zero and at most the total' }),
    );
  }
  if (input.tender.method === 'CASH' && !currentCashSession(deps.db))
    return err(domainError('CASH_DRAWER_CLOSED'));
  if (input.tender.method === 'CARD') {
    const refusal = await offlineCardRefusal(deps, [depositMinor]);
    if (refusal) return err(refusal);
  }
  const created = createLocalOrder(deps, {
    kind: 'DEPOSIT',
    cart,
    totalMinor: total,
    operatorId: input.operatorId,
    customer: input.customer,
    orderId: input.orderId,
  });
  if (!created.ok) return created;
  const tender: Tender = { ...input.tender, amountMinor: depositMinor };
  return ok(
    await payTenders(deps, created.value.order.orderId, [tender], input.operatorId, cart, {
      storeCard: input.storeCard ?? true,
      what: 'DEPOSIT',
    }),
  );
}

/** Collects what is still due on an order (a deposit's balance), at any counter of the store. */
export async function collectBalance(
  deps: CheckoutDeps,
  input: { orderId: string; tenders: readonly Tender[]; operatorId: string; storeCard?: boolean },
): Promise<Result<SaleResult, DomainError>> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  const due = balanceDueMinor(deps, input.orderId);
  if (!due.ok) return due;
  if (due.value === 0)
    return err(domainError('CHECKOUT_INVALID', { reason: `order ${input.orderId} is paid in full` }));
  const refusal = await offlineCardRefusal(deps, cardParts(due.value, input.tenders));
  if (refusal) return err(refusal);
  return ok(
    await payTenders(deps, input.orderId, input.tenders, input.operatorId, null, {
      what: 'BALANCE',
      ...(input.storeCard ? { storeCard: true } : {}),
    }),
  );
}
