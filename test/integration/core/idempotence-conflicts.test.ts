/**
 * Which answers an idempotence key keeps (docs/core.md "Idempotence: what is stored"), over real HTTP on
 * PGlite and PostgreSQL: a conflict or any retriable refusal, and a validation failure, is not a result; the
 * key is released so the same request with the same key runs anew. Successes and final business refusals
 * (a decline, "exceeds refundable") are replayed. And a claim taken over (its process judged dead) cannot
 * reach the acquirer: the journal row is written only under the very claim.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReservationSchema } from '../../../src-shared/sync-protocol';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as the merchant would read JSON */
for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `idempotence keeps results, not conflicts, on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let term: TestTerminal;
      const refund = (paymentId: string, amount: number, key: string) =>
        core.raw('POST', `/v2/${core.merchantId}/payments/${paymentId}/refund`, {
          body: { amountOfMoney: { amount, currencyCode: 'EUR' } },
          headers: { 'X-GCS-Idempotence-Key': key },
        });
      beforeAll(async () => {
        core = await startTestCore(kind);
        term = testTerminal(core.url, core.terminal);
      });
      afterAll(async () => {
        await core?.close();
      });

      it('a refund refused REFUND_ORDER_LOCKED goes through with the same key once the lock is gone', async () => {
        const sale = await term.sale({ total: 1_000, paid: 1_000 });
        const held = await term.raw('POST', '/sync/v1/reservations', {
          body: { reservationId: term.newId(), paymentId: sale.paymentId, amount: eurMoney(300) },
        });
        expect(held.status, held.text).toBe(201);
        const key = `locked-${sale.paymentId}`;
        const locked = await refund(sale.paymentId, 200, key);
        expect(locked.status).toBe(409);
        expect((locked.body as any).errors[0]).toMatchObject({ id: 'REFUND_ORDER_LOCKED', retriable: true });
        const { reservationId } = ReservationSchema.parse(held.body);
        expect((await term.raw('POST', `/sync/v1/reservations/${reservationId}/release`)).status).toBe(200);

        const retried = await refund(sale.paymentId, 200, key);
        expect(retried.status, retried.text).toBe(201);
        expect((retried.body as any).status).toBe('REFUNDED');
        expect(retried.headers.get('X-GCS-Idempotence-Request-Timestamp')).toBeNull();
        // From now on the key holds a result: the same request replays it, and refunds nothing more.
        const replayed = await refund(sale.paymentId, 200, key);
        expect(replayed.status).toBe(201);
        expect((replayed.body as any).id).toBe((retried.body as any).id);
        expect(replayed.headers.get('X-GCS-Idempotence-Request-Timestamp')).not.toBeNull();
        const payment = await core.raw('GET', `/v2/${core.merchantId}/payments/${sale.paymentId}/refunds`);
        expect((payment.body as any).refunds).toHaveLength(1);
      });

      it('a validation failure is not stored; a final business refusal is replayed', async () => {
        const sale = await term.sale({ total: 500, paid: 500 });
        const key = `invalid-${sale.paymentId}`;
        const bad = await core.raw('POST', `/v2/${core.merchantId}/payments/${sale.paymentId}/refund`, {
          body: '{"amountOfMoney": {"amount": "12.345", "currencyCode": "EUR"}}',
          headers: { 'X-GCS-Idempotence-Key': key },
        });
        expect(bad.status).toBe(400);
        // Not stored: the key is free for the corrected request (a stored answer would make it 422 "reused").
        const corrected = await refund(sale.paymentId, 100, key);
        expect(corrected.status, corrected.text).toBe(201);

        const overKey = `over-${sale.paymentId}`;
        const over = await refund(sale.paymentId, 1_000, overKey);
        expect(over.status).toBe(400);
        expect((over.body as any).errors[0].id).toBe('REFUND_EXCEEDS_REFUNDABLE');
        const again = await refund(sale.paymentId, 1_000, overKey);
        expect(again.status).toBe(400);
        expect(again.headers.get('X-GCS-Idempotence-Request-Timestamp')).not.toBeNull();
        expect((again.body as any).errorId).toBe((over.body as any).errorId);
      });
    },
  );
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `a claim taken over cannot reach the acquirer, on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let takeOver = false;
      beforeAll(async () => {
        core = await startTestCore(kind, {
          journal: {
            // What a retry on another process does when it judges this one dead: it claims the key anew.
            beforeJournalRow: async (intent) => {
              if (!takeOver || intent.kind !== 'REFUND' || !intent.requestKey) return;
              await core.t.db.query(
                `UPDATE idempotence_keys SET claim_id = $3 WHERE merchant_id = $1 AND key = $2`,
                [intent.merchantId, intent.requestKey.key, randomUUID()],
              );
            },
          },
        });
      });
      afterAll(async () => {
        await core?.close();
      });

      it('the request whose claim was taken over answers "in progress" and asks the acquirer nothing', async () => {
        const term = testTerminal(core.url, core.terminal);
        const sale = await term.sale({ total: 1_000, paid: 1_000 });
        takeOver = true;
        const r = await core.raw('POST', `/v2/${core.merchantId}/payments/${sale.paymentId}/refund`, {
          body: { amountOfMoney: { amount: 100, currencyCode: 'EUR' } },
          headers: { 'X-GCS-Idempotence-Key': `taken-${sale.paymentId}` },
        });
        takeOver = false;
        expect(r.status, r.text).toBe(409);
        expect((r.body as any).errors[0]).toMatchObject({
          id: 'IDEMPOTENCE_REQUEST_IN_PROGRESS',
          errorCode: '1409',
        });
        const journal = await core.t.db.query(`SELECT 1 FROM acquirer_journal WHERE request_key = $1`, [
          `taken-${sale.paymentId}`,
        ]);
        expect(journal).toHaveLength(0);
        const atAcquirer = await core.t.db.query(
          `SELECT 1 FROM sandbox_acquirer_journal WHERE kind = 'REFUND' AND payment_id = $1`,
          [sale.paymentId],
        );
        expect(atAcquirer).toHaveLength(0);
        // The order's refund lock was given back: a refund goes through.
        const after = await core.raw('POST', `/v2/${core.merchantId}/payments/${sale.paymentId}/refund`, {
          body: { amountOfMoney: { amount: 100, currencyCode: 'EUR' } },
        });
        expect(after.status, after.text).toBe(201);
      });
    },
  );
}
