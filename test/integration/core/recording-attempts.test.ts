/**
 * Issue 7, defence in depth: a journal row whose answer the ledger cannot record, whatever the cause, became
 * a row PENDING forever (46 reconciliation attempts, hundreds of log lines, no money exception) and an order
 * answering REFUND_ORDER_LOCKED for good. With the database refusing every ledger write of the answer (the
 * fault-injecting wrapper, on PGlite and PostgreSQL), the row is now closed as a money exception a manager
 * sees after a bounded number of attempts, the order's refund lock is free again, and the logs stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import { MoneyExceptionsPageSchema } from '../../../src-shared/money-exceptions';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { faultyDb, type FaultyDb } from '../../helpers/faulty-db';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;
const MAX_ATTEMPTS = 3;
/** Every statement that writes the answer of a refund or a new payment into the ledger. */
const LEDGER_WRITES = (sql: string) => /INSERT INTO (operations|orders)\b/.test(sql);

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`recording that keeps failing on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let db: FaultyDb;
    let keys = 0;
    const key = () => `attempts-${Date.now()}-${keys++}`;
    const refund = (paymentId: string, amount: number, k = key()) =>
      core.raw('POST', `/v2/${core.merchantId}/payments/${paymentId}/refund`, {
        body: { amountOfMoney: { amount, currencyCode: 'EUR' } },
        headers: { 'X-GCS-Idempotence-Key': k },
      });
    const journalRow = async (paymentId: string, kindOfRow: string) =>
      (
        await core.t.db.query<{ id: string; state: string; result: string | null }>(
          `SELECT id, state, result FROM acquirer_journal WHERE payment_id = $1 AND kind = $2`,
          [paymentId, kindOfRow],
        )
      )[0]!;
    const exceptions = async () => {
      const r = await core.raw('GET', `/backoffice/v1/${core.merchantId}/exceptions`);
      expect(r.status, r.text).toBe(200);
      return MoneyExceptionsPageSchema.parse(r.body).exceptions;
    };
    const linesAbout = (id: string) => core.logs.filter((l) => l.includes(id)).length;

    beforeAll(async () => {
      core = await startTestCore(kind, {
        wrapDb: (real) => (db = faultyDb(real)),
        // Every open row is due at once (no grace period), so each pass is one attempt.
        journal: { graceMs: 0, maxRecordingAttempts: MAX_ATTEMPTS },
      });
    });
    afterAll(async () => {
      await core?.close();
    });

    it('a refund the ledger cannot record becomes a money exception after the last attempt; the order is free again', async () => {
      const sale = await core.raw('POST', `/v2/${core.merchantId}/payments`, {
        body: {
          order: { amountOfMoney: { amount: 5_000, currencyCode: 'EUR' } },
          cardPaymentMethodSpecificInput: { card: { cardNumber: visa.pan, expiryDate: visa.expiry } },
        },
      });
      const paymentId = (sale.body as any).payment.id as string;
      db.failNext(LEDGER_WRITES, 1_000);
      const k = key();
      const first = await refund(paymentId, 1_234, k);
      expect(first.status, first.text).toBe(503);
      expect((first.body as any).errors[0].id).toBe('RECORDING_PENDING');
      // A retry with the same key (issue 7 saw a 500 here) is told the same, and counts as an attempt.
      const retry = await refund(paymentId, 1_234, k);
      expect(retry.status, retry.text).toBe(503);
      expect((retry.body as any).errors[0].id).toBe('RECORDING_PENDING');
      // While its outcome is being recorded, the order's refunds wait.
      expect((await refund(paymentId, 100)).status).toBe(409);
      const row = await journalRow(paymentId, 'REFUND');
      expect(row.state).toBe('PENDING');

      for (let pass = 3; pass < MAX_ATTEMPTS; pass++) {
        await core.journal.reconcileDue();
        expect((await journalRow(paymentId, 'REFUND')).state, `after attempt ${pass}`).not.toBe('DONE');
      }
      expect((await journalRow(paymentId, 'REFUND')).state).not.toBe('DONE');
      await core.journal.reconcileDue();
      const closed = await journalRow(paymentId, 'REFUND');
      expect(closed).toMatchObject({ state: 'DONE', result: 'EXCEPTION' });

      const mine = (await exceptions()).filter((e) => e.journalId === row.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        kind: 'REFUND',
        paymentId,
        amount: { amountMinor: 1_234, currency: 'EUR' },
        reasonCode: 'RECORDING_FAILED',
        state: 'OPEN',
      });
      expect(mine[0]!.reason).toContain('carried out: money moved');
      expect(mine[0]!.reason).toContain(`in ${MAX_ATTEMPTS} attempts`);
      expect(mine[0]!.reason).toContain('08006');

      // More passes change nothing and log nothing more about it.
      const lines = linesAbout(row.id);
      expect(lines).toBeLessThanOrEqual(MAX_ATTEMPTS + 2);
      for (let i = 0; i < 3; i++) await core.journal.reconcileDue();
      expect(linesAbout(row.id)).toBe(lines);

      // The database works again: the order is not locked, the next refund goes through.
      db.failNext(() => false);
      const next = await refund(paymentId, 100);
      expect(next.status, next.text).toBe(201);
    });

    it('a charge the ledger cannot record is a money exception too, and its retry is told so', async () => {
      db.failNext(LEDGER_WRITES, 1_000);
      const k = key();
      const body = {
        order: { amountOfMoney: { amount: 777, currencyCode: 'EUR' } },
        cardPaymentMethodSpecificInput: { card: { cardNumber: visa.pan, expiryDate: visa.expiry } },
      };
      const first = await core.raw('POST', `/v2/${core.merchantId}/payments`, {
        body,
        headers: { 'X-GCS-Idempotence-Key': k },
      });
      expect(first.status, first.text).toBe(503);
      for (let i = 1; i < MAX_ATTEMPTS; i++) await core.journal.reconcileDue();
      db.failNext(() => false);
      const open = await core.t.db.query(`SELECT id FROM acquirer_journal WHERE state <> 'DONE'`);
      expect(open).toEqual([]);
      const charge = (await exceptions()).find((e) => e.kind === 'AUTHORISE');
      expect(charge).toMatchObject({
        amount: { amountMinor: 777, currency: 'EUR' },
        reasonCode: 'RECORDING_FAILED',
      });
      expect(charge!.reason).toContain('approved: money moved');
      const retry = await core.raw('POST', `/v2/${core.merchantId}/payments`, {
        body,
        headers: { 'X-GCS-Idempotence-Key': k },
      });
      expect(retry.status, retry.text).toBe(409);
      expect((retry.body as any).errors[0].id).toBe('MONEY_MOVED_NOT_RECORDED');
    });
  });
}
