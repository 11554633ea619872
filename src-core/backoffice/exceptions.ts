/**
 * The back office's money exceptions (`/backoffice/v1/{merchantId}/exceptions`): money that moved at the
 * acquirer or at a card terminal but that the ledger refused to record (src-core/journal/exceptions.ts). A
 * manager lists the open ones, settles each outside the ledger (a manual booking, a bank transfer back …) and
 * marks it resolved with what was done. Declared like every back-office route (routing/contract.ts), so the
 * OpenAPI document lists them.
 */
import { z } from 'zod';
import { UuidSchema } from '../../src-shared';
import { MerchantIdParamSchema } from '../../src-shared/backoffice-api';
import {
  MoneyExceptionResolutionSchema,
  MoneyExceptionSchema,
  MoneyExceptionsPageSchema,
  MoneyExceptionsQuerySchema,
  type MoneyExceptionView,
} from '../../src-shared/money-exceptions';
import { defineRoute, type AnyApiRoute } from '../routing/contract';
import type { Db } from '../db/adapter';
import { fail } from '../routing/api-error';
import {
  listMoneyExceptions,
  resolveMoneyException,
  selectMoneyException,
  type MoneyException,
} from '../journal/exceptions';
import { decodeCursor, encodeCursor } from './queries';

const BASE = '/backoffice/v1/{merchantId}';
const TAG = 'Back office';
const MerchantParams = z.object({ merchantId: MerchantIdParamSchema });
const ExceptionParams = MerchantParams.extend({ exceptionId: UuidSchema });

export function exceptionView(e: MoneyException): MoneyExceptionView {
  return {
    exceptionId: e.id,
    source: e.source,
    kind: e.kind,
    orderId: e.orderId,
    paymentId: e.paymentId,
    amount: e.amount,
    channel: e.channel,
    terminalId: e.terminalId,
    journalId: e.journalId,
    operationId: e.operationId,
    reasonCode: e.reasonCode,
    reason: e.reason,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    state: e.resolvedAt ? 'RESOLVED' : 'OPEN',
    resolvedAt: e.resolvedAt,
    resolvedBy: e.resolvedBy,
    resolution: e.resolution,
  };
}

export function exceptionRoutes(db: Db): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: `${BASE}/exceptions`,
      operationId: 'listMoneyExceptions',
      tag: TAG,
      summary: 'Money exceptions: money that moved but that the ledger refused to record, newest first',
      description:
        'A refund, payout, capture or void the acquirer carried out, or a refund a card terminal made, that the ' +
        'ledger refused (the order changed meanwhile). Nothing is dropped: each is kept here until a manager ' +
        'settles it and marks it resolved. `state` OPEN (default), RESOLVED or ALL.',
      auth: 'merchant',
      params: MerchantParams,
      query: MoneyExceptionsQuerySchema,
      answer: { status: 200, schema: MoneyExceptionsPageSchema, description: 'One page of exceptions' },
      errors: [],
      handler: async ({ params, query }) => {
        const rows = await listMoneyExceptions(db, params.merchantId, {
          state: query.state,
          limit: query.limit + 1,
          after: query.cursor ? decodeCursor(query.cursor) : null,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return {
          exceptions: page.map(exceptionView),
          nextCursor:
            rows.length > query.limit && last
              ? encodeCursor({ recordedAt: last.recordedAt, id: last.id })
              : null,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/exceptions/{exceptionId}`,
      operationId: 'getMoneyException',
      tag: TAG,
      summary: 'One money exception',
      auth: 'merchant',
      params: ExceptionParams,
      answer: { status: 200, schema: MoneyExceptionSchema, description: 'The exception' },
      errors: ['MONEY_EXCEPTION_NOT_FOUND'],
      handler: async ({ params }) => {
        const e = await selectMoneyException(db, params.merchantId, params.exceptionId);
        if (!e) throw fail('MONEY_EXCEPTION_NOT_FOUND', { exceptionId: params.exceptionId });
        return exceptionView(e);
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/exceptions/{exceptionId}/resolution`,
      operationId: 'resolveMoneyException',
      tag: TAG,
      summary: 'Mark a money exception resolved, saying who settled it and how',
      description:
        'Settling happens outside the ledger (the ledger refused the movement); this records that it was done. ' +
        'Resolving an exception that is resolved already answers it as it stands (the first resolution stays).',
      auth: 'merchant',
      params: ExceptionParams,
      body: MoneyExceptionResolutionSchema,
      answer: { status: 200, schema: MoneyExceptionSchema, description: 'The exception, resolved' },
      errors: ['MONEY_EXCEPTION_NOT_FOUND', 'IDEMPOTENCE_REQUEST_IN_PROGRESS', 'IDEMPOTENCE_KEY_REUSED'],
      idempotent: true,
      handler: async ({ params, body }) => {
        const e = await resolveMoneyException(
          db,
          params.merchantId,
          params.exceptionId,
          body.operatorId,
          body.resolution,
        );
        if (!e) throw fail('MONEY_EXCEPTION_NOT_FOUND', { exceptionId: params.exceptionId });
        return exceptionView(e);
      },
    }),
  ];
}
