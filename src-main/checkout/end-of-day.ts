/**
 * End of day: the terminal's End-of-Day totals, the counter's own totals and (online) the core's figures side
 * by side, in a Z report that shows each difference, deposits taken, balances still owed, refunds by
 * channel, duplicates the core suppressed, and warns while anything is still queued. The counter's figures
 * cover what happened since the previous Z report, as the terminal's cover its batch since its last closing.
 */
import {
  isCurrencyCode,
  orderBalances,
  toDecimalString,
  type DomainError,
  type Result,
} from '../../src-shared';
import { ok } from '../../src-shared';
import type { EndOfDayReconciliationSchema } from '../../src-shared/sync-protocol';
import {
  DECLINED_AT_FORWARDING,
  collectionThresholdMinor,
  openCollections,
  openSyncExceptions,
  writtenOffSince,
  coreCardRefundsSince,
  depositsSince,
  duplicatesSuppressedSince,
  enqueueMessage,
  insertEndOfDayReport,
  lastReportAt,
  loadOrderState,
  operationTotalsSince,
  outboxResult,
  ordersWithTotal,
  syncStatus,
  voidTotalsSince,
  type LocalTotalsRow,
} from '../store';
import type { z } from 'zod';
import { businessDay, type CheckoutDeps } from './context';

export interface CounterTotals {
  readonly cardSalesMinor: number;
  readonly cardSalesCount: number;
  readonly cardVoidsMinor: number;
  readonly cashSalesMinor: number;
  readonly cashSalesCount: number;
  readonly refunds: RefundsByChannel;
}

export interface RefundsByChannel {
  readonly cashMinor: number;
  readonly terminalCardMinor: number;
  readonly coreCardMinor: number;
  /** Learnt from the core's change feed. */
  readonly onlineMinor: number;
  readonly backOfficeMinor: number;
  readonly otherCountersMinor: number;
}

export interface TerminalTotals {
  readonly ok: boolean;
  readonly totalMinor: number;
  readonly count: number;
  readonly schemes: readonly { scheme: string; count: number; totalMinor: number }[];
  readonly error: string | null;
}

export interface ZReport {
  readonly reportId: string;
  readonly businessDay: string;
  readonly from: string;
  readonly to: string;
  readonly terminal: TerminalTotals | null;
  readonly counter: CounterTotals;
  readonly core: z.input<typeof EndOfDayReconciliationSchema>[] | null;
  readonly differences: readonly {
    what: string;
    terminalMinor: number | null;
    counterMinor: number;
    coreMinor: number | null;
  }[];
  readonly deposits: { readonly count: number; readonly depositsMinor: number };
  readonly balancesOwed: readonly {
    orderId: string;
    customer: string | null;
    contact: string | null;
    balanceDueMinor: number;
  }[];
  /**
   * Card payments the acquirer refused at forwarding: the collection tasks still open (any day), and the
   * ones written off in this report's period because they were at or below the store's collection threshold.
   */
  readonly collections: {
    readonly open: { readonly count: number; readonly amountMinor: number };
    readonly writtenOff: { readonly count: number; readonly amountMinor: number };
  };
  readonly duplicatesSuppressed: number;
  readonly queued: number;
  readonly warnings: readonly string[];
}

const sumOf = (rows: readonly LocalTotalsRow[], f: (r: LocalTotalsRow) => boolean) =>
  rows.filter(f).reduce((s, r) => s + r.amountMinor, 0);
const countOf = (rows: readonly LocalTotalsRow[], f: (r: LocalTotalsRow) => boolean) =>
  rows.filter(f).reduce((s, r) => s + r.count, 0);

export function counterTotalsSince(deps: Pick<CheckoutDeps, 'db'>, since: string): CounterTotals {
  const rows = operationTotalsSince(deps.db, since);
  const local = (kind: string, method: string | null) => (r: LocalTotalsRow) =>
    r.origin === 'LOCAL' && r.kind === kind && r.method === method;
  const remoteRefund = (channel: string) => (r: LocalTotalsRow) =>
    r.origin === 'SYNC' && (r.kind === 'REFUND' || r.kind === 'PAYOUT') && r.channel === channel;
  return {
    cardSalesMinor: sumOf(rows, local('SALE', 'CARD')),
    cardSalesCount: countOf(rows, local('SALE', 'CARD')),
    cardVoidsMinor: voidTotalsSince(deps.db, since).amountMinor,
    cashSalesMinor: sumOf(rows, local('SALE', 'CASH')),
    cashSalesCount: countOf(rows, local('SALE', 'CASH')),
    refunds: {
      cashMinor: sumOf(rows, local('REFUND', 'CASH')),
      terminalCardMinor: sumOf(rows, local('REFUND', 'CARD')),
      coreCardMinor: coreCardRefundsSince(deps.db, since).amountMinor,
      onlineMinor: sumOf(rows, remoteRefund('ONLINE')),
      backOfficeMinor: sumOf(rows, remoteRefund('BACK_OFFICE')),
      otherCountersMinor: sumOf(rows, remoteRefund('IN_STORE')),
    },
  };
}

function balancesOwed(deps: Pick<CheckoutDeps, 'db'>): ZReport['balancesOwed'] {
  const out: { orderId: string; customer: string | null; contact: string | null; balanceDueMinor: number }[] =
    [];
  for (const o of ordersWithTotal(deps.db)) {
    const state = loadOrderState(deps.db, o.orderId);
    const due = state ? (orderBalances(state).balanceDue?.amountMinor ?? 0) : 0;
    if (due > 0)
      out.push({ orderId: o.orderId, customer: o.customerName, contact: o.contact, balanceDueMinor: due });
  }
  return out;
}

/** The report's figures without closing anything (an X report), or with the terminal's and core's totals. */
export function buildReport(
  deps: Pick<CheckoutDeps, 'db' | 'clock'>,
  input: { terminal: TerminalTotals | null; core: ZReport['core']; reportId: string },
): ZReport {
  const now = deps.clock();
  const from = lastReportAt(deps.db) ?? '1970-01-01T00:00:00.000Z';
  const counter = counterTotalsSince(deps, from);
  const status = syncStatus(deps.db, now);
  const coreCard = input.core?.find((c) => c.method === 'CARD');
  const coreCash = input.core?.find((c) => c.method === 'CASH');
  const counterCardNet = counter.cardSalesMinor - counter.cardVoidsMinor;
  const differences = [
    {
      what: 'card sales (net of voids)',
      terminalMinor: input.terminal?.ok ? input.terminal.totalMinor : null,
      counterMinor: counterCardNet,
      coreMinor: coreCard ? coreCard.core.salesMinor - coreCard.core.voidsMinor : null,
    },
    {
      what: 'cash sales',
      terminalMinor: null,
      counterMinor: counter.cashSalesMinor,
      coreMinor: coreCash ? coreCash.core.salesMinor : null,
    },
  ];
  const warnings: string[] = [];
  if (status.queued > 0) {
    warnings.push(
      `${status.queued} transactions are still queued for the core (oldest ${status.oldestQueuedAt}); the core's figures are incomplete`,
    );
  }
  if (status.openExceptions > 0) warnings.push(`${status.openExceptions} sync exceptions wait for a manager`);
  // Card payments the acquirer refused at forwarding: money owed again, each with whom to ask.
  for (const e of openSyncExceptions(deps.db)) {
    if (e.code === DECLINED_AT_FORWARDING) warnings.push(`collection task: ${e.message}`);
  }
  // The ones under the store's threshold, written off by the system: no task, but the books show them.
  const { currency, ...writtenOff } = writtenOffSince(deps.db, from);
  const collections = { open: openCollections(deps.db), writtenOff };
  if (writtenOff.count > 0 && currency && isCurrencyCode(currency)) {
    const show = (minor: number) => `${toDecimalString({ amountMinor: minor, currency })} ${currency}`;
    warnings.push(
      `written off at forwarding: ${writtenOff.count} card payment(s), ${show(writtenOff.amountMinor)}, ` +
        `each at or below the store's collection threshold ${show(collectionThresholdMinor(deps.db))} ` +
        `(no collection task; the orders still owe them)`,
    );
  }
  if (input.terminal && !input.terminal.ok)
    warnings.push(`the card terminal's End-of-Day failed: ${input.terminal.error}`);
  for (const d of differences) {
    if (d.terminalMinor !== null && d.terminalMinor !== d.counterMinor)
      warnings.push(`${d.what}: the terminal and the counter differ`);
    if (d.coreMinor !== null && d.coreMinor !== d.counterMinor)
      warnings.push(`${d.what}: the core and the counter differ`);
  }
  return {
    reportId: input.reportId,
    businessDay: businessDay(now),
    from,
    to: now.toISOString(),
    terminal: input.terminal,
    counter,
    core: input.core,
    differences,
    deposits: depositsSince(deps.db, from),
    balancesOwed: balancesOwed(deps),
    collections,
    duplicatesSuppressed: duplicatesSuppressedSince(deps.db, from),
    queued: status.queued,
    warnings,
  };
}

/**
 * Closes the day: ZVT End-of-Day, then the END_OF_DAY message with the counter's totals (pushed at once when
 * online, so the core's figures come back in its answer), then the stored Z report.
 */
export async function closeDay(
  deps: CheckoutDeps,
  input: { operatorId: string },
): Promise<Result<ZReport, DomainError>> {
  const outcome = await deps.terminal.endOfDay();
  const terminal: TerminalTotals =
    outcome.kind === 'approved'
      ? {
          ok: true,
          totalMinor: outcome.details.amount?.amountMinor ?? 0,
          count: outcome.details.totals?.schemes.reduce((s, x) => s + x.count, 0) ?? 0,
          schemes: outcome.details.totals?.schemes ?? [],
          error: null,
        }
      : {
          ok: false,
          totalMinor: 0,
          count: 0,
          schemes: [],
          error: outcome.error.message,
        };
  const now = deps.clock();
  const from = lastReportAt(deps.db) ?? '1970-01-01T00:00:00.000Z';
  const counter = counterTotalsSince(deps, from);
  const messageId = deps.newId();
  deps.db.tx(() => {
    enqueueMessage(deps.db, {
      messageId,
      occurredAt: now.toISOString(),
      kind: 'END_OF_DAY',
      businessDay: businessDay(now),
      totals: [
        {
          currency: deps.currency,
          method: 'CARD',
          salesMinor: counter.cardSalesMinor,
          voidsMinor: counter.cardVoidsMinor,
          refundsMinor: counter.refunds.terminalCardMinor,
          paymentCount: counter.cardSalesCount,
        },
        {
          currency: deps.currency,
          method: 'CASH',
          salesMinor: counter.cashSalesMinor,
          voidsMinor: 0,
          refundsMinor: counter.refunds.cashMinor,
          paymentCount: counter.cashSalesCount,
        },
      ],
      operatorId: input.operatorId,
    });
  });
  if (deps.isOnline()) await deps.syncNow().catch(() => undefined);
  const parsed = outboxResult(deps.db, messageId) as {
    details?: { reconciliation?: ZReport['core'] };
  } | null;
  const report = buildReport(deps, {
    terminal,
    core: parsed?.details?.reconciliation ?? null,
    reportId: messageId,
  });
  insertEndOfDayReport(deps.db, {
    reportId: report.reportId,
    businessDay: report.businessDay,
    createdAt: report.to,
    report,
  });
  return ok(report);
}
