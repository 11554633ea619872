/**
 * Schema version 8 moves the one-column rules of the money tables from table checks to domains (cheaper per
 * statement, docs/core.md "Checks as domains"). What a user relies on must not move: every value the old rule
 * refused is still refused, the rows written before the migration read back the same, and money still moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaymentId, money, type Uuid } from '../../../src-shared';
import { createSandboxAcquirer } from '../../../src-core/acquirer/sandbox';
import { sqlState } from '../../../src-core/db/adapter';
import { migrate, MIGRATIONS } from '../../../src-core/db/migrations';
import { CHECKED_COLUMNS } from '../../../src-core/db/schema-v8-checks-as-domains';
import { createAcquirerJournal } from '../../../src-core/journal/journal';
import { createLedgerContext } from '../../../src-core/ledger/context';
import { createLedgerService } from '../../../src-core/ledger/service';
import { sendMoneyBack } from '../../../src-core/payments/money-back';
import { acquireRefundLock } from '../../../src-core/payments/refund-lock';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/core-db';
import { ledgerWrites } from '../../helpers/ledger-writes';
import { quiet } from '../../helpers/quiet-log';

const M = 'M-domains';
const EUR = (n: number) => money(n, 'EUR');
const BEFORE = MIGRATIONS.filter((m) => m.version < 8);

/** A value each domain refuses, and its old table check refused (sent as text, as the driver sends). */
const REFUSED: Record<string, string> = {
  money_minor: '0',
  money_minor_or_zero: '-1',
  count_from_zero: '-1',
  count_from_one: '0',
  feed_position: '0',
  currency_code: 'eur',
  payment_number: '2000000000000000001',
  six_digits: '43302',
  four_digits: '12a4',
  sales_channel: 'PHONE',
  authorisation_mode: 'INSTANT',
  pre_or_final: 'SALE',
  card_on_file_use: 'third',
  cof_initiator: 'bank',
  payment_outcome: 'MAYBE',
  order_status: 'LOST',
  operation_kind: 'GIFT',
  journal_kind: 'GIFT',
  journal_state: 'LATER',
  journal_result: 'PERHAPS',
  lock_purpose: 'HOLIDAY',
};

const TABLES = ['orders', 'payments', 'operations', 'acquirer_journal', 'refund_locks'] as const;

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`schema 8, rules as domains, on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let t: TestDatabase;
    const ctx = createLedgerContext();
    let paymentId: ReturnType<typeof formatPaymentId>;
    let orderId: Uuid;

    beforeAll(async () => {
      t = await openTestDatabase(kind, 4, BEFORE);
      await t.db.query(`INSERT INTO merchants (id, name) VALUES ($1, 'Domains test shop')`, [M]);
      const ledger = createLedgerService(t.db, ctx);
      paymentId = formatPaymentId(1, 424_242);
      const created = await ledgerWrites(ledger).createOrderWithPayment(
        { merchantId: M, currency: 'EUR', total: EUR(5_000), channel: 'ONLINE' },
        { paymentId, channel: 'ONLINE', opening: { kind: 'SALE', amount: EUR(5_000) } },
      );
      if (!created.ok) throw new Error(created.error.message);
      orderId = created.value.order.orderId;
      // A refund through the journal: a journal row (the lock row is taken in the test).
      const refund = await refundOnline(1_000);
      if (!refund.ok) throw new Error(refund.error.message);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    /** A refund as the online API sends it: refund lock, journal row, sandbox acquirer, recording. */
    const refundOnline = (amount: number) =>
      sendMoneyBack(
        createAcquirerJournal({
          ledger: createLedgerService(t.db, ctx),
          acquirer: createSandboxAcquirer({ db: t.db }),
          log: quiet,
        }),
        {
          merchantId: M,
          paymentId,
          kind: 'REFUND',
          amount: EUR(amount),
          holder: 'online:test',
          channel: 'ONLINE',
        },
      );

    const rowsOf = async () => {
      const out: Record<string, unknown[]> = {};
      for (const table of TABLES) {
        out[table] = (
          await t.db.query<{ row: string }>(`SELECT to_jsonb(x)::text AS row FROM ${table} x ORDER BY 1`)
        ).map((r) => JSON.parse(r.row) as unknown);
      }
      return out;
    };

    /** Tries each refused value in a row of its table; returns what the database said for each. */
    async function tryRefusedValues() {
      const said: { column: string; state: string | undefined; message: string }[] = [];
      for (const [table, column, domain] of CHECKED_COLUMNS) {
        const bad = REFUSED[domain];
        if (bad === undefined) throw new Error(`no refused value for ${domain}`);
        try {
          // A copy of a row with the one value changed (operations are append-only: no UPDATE).
          await t.db.query(
            `INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table},
               to_jsonb(x) || jsonb_build_object('${column}', $1::text))).* FROM ${table} x LIMIT 1`,
            [bad],
          );
          said.push({ column: `${table}.${column}`, state: 'accepted', message: '' });
        } catch (e) {
          said.push({ column: `${table}.${column}`, state: sqlState(e), message: (e as Error).message });
        }
      }
      return said;
    }

    it('refuses every value the old checks refused, before and after, and keeps the rows it had', async () => {
      const lock = await acquireRefundLock(t.db, ctx, {
        orderId,
        holder: 'online:other',
        channel: 'ONLINE',
        purpose: 'REFUND',
        ttlMs: 60_000,
      });
      expect(lock.ok).toBe(true);
      for (const table of TABLES) {
        expect((await t.db.query(`SELECT 1 FROM ${table}`)).length, `rows in ${table}`).toBeGreaterThan(0);
      }

      const before = await tryRefusedValues();
      expect(before.filter((s) => s.state !== '23514')).toEqual([]);
      const rows = await rowsOf();

      await expect(migrate(t.db)).resolves.toBe(MIGRATIONS.at(-1)!.version);

      expect(await rowsOf()).toEqual(rows);
      const after = await tryRefusedValues();
      expect(after.filter((s) => s.state !== '23514')).toEqual([]);
      // Refused by the domain now, and the message names it.
      for (const [i, [, , domain]] of CHECKED_COLUMNS.entries()) {
        expect(after[i]!.message, after[i]!.column).toContain(`domain ${domain}`);
      }
      expect(await rowsOf()).toEqual(rows);
    });

    it('still moves money after the migration, and still refuses more than was paid', async () => {
      await t.db.query('DELETE FROM refund_locks');
      const second = await refundOnline(2_500);
      expect(second.ok ? second.value.entry.result : second.error.code).toBe('APPROVED');
      const tooMuch = await refundOnline(1_501);
      expect(tooMuch.ok ? tooMuch.value.entry.result : tooMuch.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
      const [order] = await t.db.query<{ refundable_minor: string; status: string }>(
        'SELECT refundable_minor::text, status FROM orders',
      );
      expect(order).toEqual({ refundable_minor: '1500', status: 'PARTIALLY_REFUNDED' });
    });
  });
}
