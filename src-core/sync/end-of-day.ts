/**
 * End-of-day reports pushed by a terminal (ZVT End-of-Day closes the card terminal's batch): stored as sent,
 * beside the core's own totals of what this terminal recorded over the same period, so a manager sees at once
 * whether the counter and the ledger agree. The period runs from the terminal's previous report (exclusive)
 * to this one's `occurredAt` (inclusive), on the terminal's clock (`operations.occurred_at`).
 *
 * The core counts, per currency and method (CARD when the payment carries card facts, else CASH): sales =
 * SALE + CAPTURE amounts; voids = what CANCELs took back (the captures of the cancelled payment); refunds;
 * payments = SALE and AUTHORISATION openings.
 */
import type { z } from 'zod';
import type {
  EndOfDayReconciliationSchema,
  EndOfDayTotalsSchema,
  SyncMessage,
} from '../../src-shared/sync-protocol';
import { toSafeInteger, type Queryable } from '../db/adapter';
import type { Terminal } from '../accounts/accounts';
import type { LedgerContext } from '../ledger/context';

type Totals = z.infer<typeof EndOfDayTotalsSchema>;
type Reconciliation = z.infer<typeof EndOfDayReconciliationSchema>;

interface TotalsRow {
  currency: string;
  method: 'CARD' | 'CASH';
  sales: string | number | null;
  voids: string | number | null;
  refunds: string | number | null;
  payments: string | number | null;
}

async function coreTotals(q: Queryable, terminalId: string, after: Date | null, until: Date) {
  const rows = await q.query<TotalsRow>(
    `SELECT o.currency,
       CASE WHEN p.card_last4 IS NULL THEN 'CASH' ELSE 'CARD' END AS method,
       COALESCE(SUM(o.amount_minor) FILTER (WHERE o.kind IN ('SALE', 'CAPTURE')), 0) AS sales,
       COALESCE(SUM((SELECT SUM(c.amount_minor) FROM operations c
         WHERE c.payment_id = o.payment_id AND c.kind IN ('SALE', 'CAPTURE'))) FILTER (WHERE o.kind = 'CANCEL'), 0)
         AS voids,
       COALESCE(SUM(o.amount_minor) FILTER (WHERE o.kind = 'REFUND'), 0) AS refunds,
       COUNT(*) FILTER (WHERE o.kind IN ('SALE', 'AUTHORISATION')) AS payments
     FROM operations o JOIN payments p ON p.id = o.payment_id
     WHERE o.terminal_id = $1 AND o.occurred_at <= $2 AND ($3::timestamptz IS NULL OR o.occurred_at > $3)
     GROUP BY 1, 2`,
    [terminalId, until, after],
  );
  return rows.map((r): Totals => ({
    currency: r.currency as Totals['currency'],
    method: r.method,
    salesMinor: toSafeInteger(r.sales ?? 0, 'sales'),
    voidsMinor: toSafeInteger(r.voids ?? 0, 'voids'),
    refundsMinor: toSafeInteger(r.refunds ?? 0, 'refunds'),
    paymentCount: toSafeInteger(r.payments ?? 0, 'payments'),
  }));
}

const key = (t: { currency: string; method: string }) => `${t.currency}/${t.method}`;
const numbers = (t: Totals | undefined) => ({
  salesMinor: t?.salesMinor ?? 0,
  voidsMinor: t?.voidsMinor ?? 0,
  refundsMinor: t?.refundsMinor ?? 0,
  paymentCount: t?.paymentCount ?? 0,
});

export function reconcile(terminal: readonly Totals[], core: readonly Totals[]): Reconciliation[] {
  const t = new Map(terminal.map((x) => [key(x), x]));
  const c = new Map(core.map((x) => [key(x), x]));
  const keys = [...new Set([...t.keys(), ...c.keys()])].sort();
  return keys.map((k) => {
    const [currency, method] = k.split('/') as [Totals['currency'], Totals['method']];
    const a = numbers(t.get(k));
    const b = numbers(c.get(k));
    const matches =
      a.salesMinor === b.salesMinor &&
      a.voidsMinor === b.voidsMinor &&
      a.refundsMinor === b.refundsMinor &&
      a.paymentCount === b.paymentCount;
    return { currency, method, terminal: a, core: b, matches };
  });
}

export async function recordEndOfDayInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: Terminal,
  m: Extract<SyncMessage, { kind: 'END_OF_DAY' }>,
): Promise<Reconciliation[]> {
  const periodEnd = new Date(m.occurredAt);
  const previous = await tx.query<{ period_end: Date | string | null }>(
    'SELECT max(period_end) AS period_end FROM end_of_day_reports WHERE terminal_id = $1 AND period_end < $2',
    [terminal.terminalId, periodEnd],
  );
  const start = previous[0]?.period_end ? new Date(previous[0].period_end) : null;
  const reconciliation = reconcile(m.totals, await coreTotals(tx, terminal.terminalId, start, periodEnd));
  await tx.query(
    `INSERT INTO end_of_day_reports (id, merchant_id, store_id, terminal_id, business_day, period_start, period_end,
       totals, reconciliation, matches, terminal_reference, operator_id, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      m.messageId,
      terminal.merchantId,
      terminal.storeId,
      terminal.terminalId,
      m.businessDay,
      start,
      periodEnd,
      JSON.stringify(m.totals),
      JSON.stringify(reconciliation),
      reconciliation.every((r) => r.matches),
      m.terminalReference ?? null,
      m.operatorId ?? null,
      ctx.clock.now(),
    ],
  );
  return reconciliation;
}
