/**
 * An order as the adapters show it (a read model built from the loaded order): each operation's facts, each
 * payment's role and balances with its operations, the order's status and balances. The back office
 * (backoffice/views.ts) and the terminal sync API's order state (sync/order-state.ts) each pick their wire
 * shape from it: adapters do not import each other, so what they share lives here, below both.
 */
import {
  orderBalances,
  toOrderBalancesDto,
  type OrderBalances,
  type PaymentBalances,
} from '../../src-shared';
import { orderStatusFromBalances } from '../../src-shared/backoffice-api';
import type { LoadedOrder } from './loaded-order';
import type { OrderRecord, PaymentRecord, StoredOperation } from './rows';

/** Every fact of one operation an adapter may show (each picks the ones its wire shape has). */
export function operationFacts(s: StoredOperation) {
  const op = s.operation;
  return {
    operationId: op.id,
    orderId: s.orderId,
    paymentId: op.paymentId,
    orderSeq: s.orderSeq,
    paymentSeq: s.paymentSeq,
    kind: op.kind,
    amount: 'amount' in op ? op.amount : null,
    mode: op.kind === 'AUTHORISATION' ? op.mode : null,
    isFinal: op.kind === 'CAPTURE' ? op.isFinal : null,
    reason: op.kind === 'DECLINE' ? op.reason : null,
    tokenId: 'tokenId' in op ? op.tokenId : null,
    channel: op.channel,
    terminalId: s.terminalId,
    storeId: s.storeId,
    operatorId: s.operatorId,
    merchantReference: s.merchantReference,
    occurredAt: op.occurredAt,
    recordedAt: s.recordedAt,
  };
}

export type OperationFacts = ReturnType<typeof operationFacts>;

/** A payment's place in its order: UNKNOWN while the acquirer has not said what happened. */
export type PaymentRole = 'INITIAL' | 'SUBSEQUENT' | 'DECLINED' | 'UNKNOWN';

export interface PaymentView {
  payment: PaymentRecord;
  role: PaymentRole;
  /** Null while the outcome is unknown (no operation yet). */
  balances: PaymentBalances | null;
  /** Its operations, in the order they were recorded. */
  operations: OperationFacts[];
}

export interface OrderReadModel {
  order: OrderRecord;
  balances: OrderBalances;
  status: ReturnType<typeof orderStatusFromBalances>;
  initialPaymentId: OrderBalances['initialPaymentId'];
  /** The balances in their wire form. */
  balancesDto: ReturnType<typeof toOrderBalancesDto>;
  /** In the order they were recorded. */
  payments: PaymentView[];
}

function roleOf(p: PaymentRecord, balances: PaymentBalances | undefined, b: OrderBalances): PaymentRole {
  if (p.outcome === 'UNKNOWN' || !balances) return 'UNKNOWN';
  if (balances.declined) return 'DECLINED';
  return p.paymentId === b.initialPaymentId ? 'INITIAL' : 'SUBSEQUENT';
}

export function orderReadModel(loaded: LoadedOrder): OrderReadModel {
  const b = orderBalances(loaded.state);
  return {
    order: loaded.order,
    balances: b,
    status: orderStatusFromBalances(b),
    initialPaymentId: b.initialPaymentId,
    balancesDto: toOrderBalancesDto(b),
    payments: loaded.payments.map((p) => {
      const balances = b.payments.get(p.paymentId);
      return {
        payment: p,
        role: roleOf(p, balances, b),
        balances: balances ?? null,
        operations: loaded.operations
          .filter((s) => s.operation.paymentId === p.paymentId)
          .map(operationFacts),
      };
    }),
  };
}
