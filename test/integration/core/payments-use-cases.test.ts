/**
 * The use-case layer (src-core/payments/) on both databases, called the way every adapter calls it: a retry
 * with the same idempotence key answers from its journal row (the acquirer is asked once), failures come back
 * as catalog values with the step that produced them (what each adapter turns into the field it names), and
 * what the counter did is recorded under the order's refund lock. Real sandbox acquirer; a counting wrapper
 * around it (it changes nothing) counts the refunds it is asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaymentId, money, type PaymentId, type Uuid } from '../../../src-shared';
import type { Acquirer } from '../../../src-core/acquirer/acquirer';
import { createSandboxAcquirer } from '../../../src-core/acquirer/sandbox';
import { createAcquirerJournal, type AcquirerJournal } from '../../../src-core/journal/journal';
import { createLedgerContext } from '../../../src-core/ledger/context';
import { createLedgerService, type LedgerService } from '../../../src-core/ledger/service';
import { cancel, capture } from '../../../src-core/payments/capture';
import { recordChargeback } from '../../../src-core/payments/chargeback';
import { releaseReservedRefund, reserveRefund } from '../../../src-core/payments/counter-refunds';
import { payout, refund } from '../../../src-core/payments/refund';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/core-db';
import { ledgerWrites } from '../../helpers/ledger-writes';

const EUR = (n: number) => money(n, 'EUR');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const M = 'M-use-cases';

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`the payments use cases on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let t: TestDatabase;
    let ledger: LedgerService;
    let journal: AcquirerJournal;
    let terminalId: Uuid;
    let issuer: number;
    let seq = 0;
    const refundsAsked: string[] = [];
    const ctx = createLedgerContext();

    beforeAll(async () => {
      t = await openTestDatabase(kind, 10);
      ledger = createLedgerService(t.db, ctx);
      const sandbox = createSandboxAcquirer({ db: t.db });
      const counting: Acquirer = {
        ...sandbox,
        refund: (r) => {
          refundsAsked.push(r.reference);
          return sandbox.refund(r);
        },
      };
      journal = createAcquirerJournal({ ledger, acquirer: counting, log: quiet });
      await t.db.query(`INSERT INTO merchants (id, name) VALUES ($1, 'Use-case shop')`, [M]);
      const storeId = ctx.newId();
      await t.db.query(`INSERT INTO stores (id, merchant_id, name) VALUES ($1, $2, 'Main street')`, [
        storeId,
        M,
      ]);
      terminalId = ctx.newId();
      await t.db.query(
        `INSERT INTO terminals (id, merchant_id, store_id, issuer, key_id, secret_ciphertext)
         VALUES ($1, $2, $3, nextval('terminal_issuer_seq'), 'term-key-use-cases', 'x')`,
        [terminalId, M, storeId],
      );
      issuer = (
        await t.db.query<{ issuer: number }>('SELECT issuer FROM terminals WHERE id = $1', [terminalId])
      )[0]!.issuer;
    });
    afterAll(async () => {
      await t?.dispose();
    });

    /** A card sale of `amount` taken at the counter, as its sync push records it. */
    async function counterSale(amount: number): Promise<PaymentId> {
      const r = await ledgerWrites(ledger).createOrderWithPayment(
        { merchantId: M, currency: 'EUR', total: EUR(amount), channel: 'IN_STORE', terminalId },
        {
          paymentId: formatPaymentId(issuer, seq++),
          channel: 'IN_STORE',
          terminalId,
          opening: { kind: 'SALE', amount: EUR(amount) },
          card: {
            brand: 'VISA',
            bin: '433026',
            last4: '4675',
            expiry: '1230',
            cardRef: 'tok-use-cases',
            tokenId: null,
            paymentProductId: 1,
          },
        },
      );
      if (!r.ok) throw new Error(r.error.message);
      return r.value.payment.paymentId;
    }

    const online = { merchantId: M, channel: 'ONLINE' as const, holder: 'online:test-key' };

    it('a refund retried with the same idempotence key answers the same refund from its journal row: the acquirer refunds once', async () => {
      const paymentId = await counterSale(1_000);
      const requestKey = { key: `key-${ctx.newId()}`, hash: 'body-hash-1' };
      const first = await refund(journal, { ...online, paymentId, amount: EUR(400), requestKey });
      const again = await refund(journal, { ...online, paymentId, amount: EUR(400), requestKey });
      if (!first.ok || !again.ok) throw new Error('refund failed');
      expect(again.value.stored.operation.id).toBe(first.value.stored.operation.id);
      expect(first.value.stored.operation).toMatchObject({
        kind: 'REFUND',
        amount: EUR(400),
        channel: 'ONLINE',
      });
      expect(refundsAsked.filter((ref) => ref === first.value.stored.operation.id)).toHaveLength(1);
      // Without an amount: all that is still refundable on the payment.
      const rest = await refund(journal, { ...online, paymentId, amount: null });
      expect(rest.ok && rest.value.stored.operation).toMatchObject({ kind: 'REFUND', amount: EUR(600) });
      const loaded = await ledger.loadOrderOfPayment(M, paymentId);
      expect(loaded?.operations.map((s) => s.operation.kind)).toEqual(['SALE', 'REFUND', 'REFUND']);
    });

    it('failures are catalog values with their step: refused before the acquirer (CHECK), a bad amount (AMOUNT), not found (no step)', async () => {
      const paymentId = await counterSale(500);
      const asked = refundsAsked.length;
      const tooMuch = await refund(journal, { ...online, paymentId, amount: EUR(501) });
      expect(tooMuch.ok ? null : tooMuch.error).toMatchObject({
        error: { code: 'REFUND_EXCEEDS_REFUNDABLE' },
        step: 'CHECK',
        resumed: false,
      });
      expect(refundsAsked).toHaveLength(asked);
      const tooMuchOut = await payout(journal, { ...online, paymentId, amount: EUR(501) });
      expect(tooMuchOut.ok ? null : tooMuchOut.error).toMatchObject({
        error: { code: 'PAYOUT_EXCEEDS_COLLECTED' },
        step: 'CHECK',
      });
      const zero = await capture(journal, { ...online, paymentId, amountMinor: 0, isFinal: null });
      expect(zero.ok ? null : zero.error).toMatchObject({
        error: { code: 'AMOUNT_NOT_POSITIVE' },
        step: 'AMOUNT',
      });
      const fraction = await capture(journal, { ...online, paymentId, amountMinor: 1.5, isFinal: null });
      expect(fraction.ok ? null : fraction.error).toMatchObject({
        error: { code: 'AMOUNT_NOT_SAFE_INTEGER' },
        step: 'AMOUNT',
      });
      // A sale has no open authorisation: the ledger refuses a capture before the acquirer is asked.
      const onSale = await capture(journal, { ...online, paymentId, amountMinor: null, isFinal: null });
      expect(onSale.ok ? null : onSale.error.step).toBe('CHECK');
      const missing = formatPaymentId(issuer, 999_999) as PaymentId;
      const notFound = await cancel(journal, { ...online, paymentId: missing, amount: null });
      expect(notFound.ok ? null : notFound.error).toMatchObject({
        error: { code: 'PAYMENT_NOT_FOUND' },
        step: null,
      });
    });

    it('what the counter did is recorded under the refund lock: a reservation holds the order against a pushed counter refund, not against a chargeback', async () => {
      const paymentId = await counterSale(900);
      const reserved = await reserveRefund(ledger, {
        merchantId: M,
        paymentId,
        amount: EUR(300),
        holder: `terminal:${terminalId}`,
        ttlMs: 60_000,
        source: { channel: 'IN_STORE', terminalId },
      });
      if (!reserved.ok) throw new Error(reserved.error.message);
      const pushed = { merchantId: M, paymentId, channel: 'IN_STORE' as const, terminalId, amount: EUR(200) };
      const blocked = await ledgerWrites(ledger).counterRefund(pushed);
      expect(blocked.ok ? null : blocked.error.code).toBe('REFUND_ORDER_LOCKED');
      const chargeback = await recordChargeback(ledger, {
        merchantId: M,
        paymentId,
        channel: 'BACK_OFFICE',
        kind: 'CHARGEBACK',
        amount: EUR(100),
      });
      expect(chargeback.ok && chargeback.value.stored.operation.kind).toBe('CHARGEBACK');
      expect(await releaseReservedRefund(ledger, reserved.value.lockId)).toBe(true);
      const recorded = await ledgerWrites(ledger).counterRefund(pushed);
      expect(recorded.ok && recorded.value.stored.operation).toMatchObject({
        kind: 'REFUND',
        channel: 'IN_STORE',
        amount: EUR(200),
      });
      const tooMuch = await recordChargeback(ledger, {
        merchantId: M,
        paymentId,
        channel: 'BACK_OFFICE',
        kind: 'CHARGEBACK',
        amount: EUR(700),
      });
      expect(tooMuch.ok ? null : tooMuch.error.step).toBe('CHECK');
    });
  });
}
