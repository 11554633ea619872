/**
 * Captures and authorisation reversals the counter made on its card terminal, as the terminal sync API
 * reports them, in the sync push's transaction: the terminal drew on (or gave back part of) an open
 * authorisation, so the core records it under the ledger's rules. No acquirer call and no refund lock: nothing
 * collected goes back to the customer (a void is counter-refunds.ts).
 */
import type { DomainError, PaymentId, Result, Uuid } from '../../src-shared';
import type { Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import { appendOperationInTx, type Appended, type AppendOperation } from '../ledger/append';
import type { CounterTerminal } from './counter-sales';

export interface CounterDraw {
  paymentId: PaymentId;
  /** The terminal's operation id (a resend is answered as recorded). */
  operationId: Uuid;
  body: Extract<AppendOperation['body'], { kind: 'CAPTURE' | 'AUTHORISATION_REVERSAL' }>;
  operatorId: string | null;
  occurredAt: Date;
}

/** Records a capture or reversal the counter made; the ledger refuses one the authorisation cannot take. */
export function recordCounterDrawInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: CounterTerminal,
  d: CounterDraw,
): Promise<Result<Appended, DomainError>> {
  return appendOperationInTx(tx, ctx, {
    merchantId: terminal.merchantId,
    channel: 'IN_STORE',
    terminalId: terminal.terminalId,
    occurredAt: d.occurredAt,
    paymentId: d.paymentId,
    operationId: d.operationId,
    operatorId: d.operatorId,
    body: d.body,
  });
}
