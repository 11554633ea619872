/**
 * The use-case layer (src-core/payments/) on both databases, called the way every adapter calls it: a retry
 * with the same idempotence key answers from its journal row (the acquirer is asked once), failures come back
 * as catalog values with the step that produced them (what each adapter turns into the field it names), and
 * what the counter did is recorded under the order's refund lock. Real sandbox acquirer; a counting wrapper
 * around it (it changes nothing) counts the refunds it is asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaymentId, money, type PaymentId, type Uuid } from '../../../src-shared';
import type { AcquirerJournal } from '../../../src-core/journal/journal';
import type { LedgerContext } from '../../../src-core/ledger/context';
import type { LedgerService } from '../../../src-core/ledger/service';
import { cancel, capture } from '../../../src-core/payments/capture';
import { createPayment } from '../../../src-core/payments/charge';
import { subsequentPayment } from '../../../src-core/payments/subsequent-payment';
import { recordChargeback } from '../../../src-core/payments/chargeback';
import { releaseReservedRefund, reserveRefund } from '../../../src-core/payments/counter-refunds';
import { payout, refund } from '../../../src-core/payments/refund';
import { createToken, deleteToken } from '../../../src-core/payments/tokens';
import { DATABASE_KINDS, type TestDatabase } from '../../helpers/core-db';
import { ledgerWrites } from '../../helpers/ledger-writes';
import { openUseCaseFixture, type UseCaseFixture } from '../../helpers/use-case-fixture';

const EUR = (n: number) => money(n, 'EUR');
const M = 'M-use-cases';

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`the payments use cases on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let t: TestDatabase;
    let ctx: LedgerContext;
    let ledger: LedgerService;
    let journal: AcquirerJournal;
    let terminalId: Uuid;
    let issuer: number;
    /** A card sale of `amount` taken at the counter, as its sync push records it. */
    let counterSale: UseCaseFixture['counterSale'];
    const refundsAsked: string[] = [];
    const authorisationsAsked: string[] = [];

    beforeAll(async () => {
      ({ t, ctx, ledger, journal, terminalId, issuer, counterSale } = await openUseCaseFixture(
        kind,
        { merchantId: M, name: 'Use-case shop', cardRef: 'tok-use-cases' },
        (sandbox) => ({
          ...sandbox,
          refund: (r) => {
            refundsAsked.push(r.reference);
            return sandbox.refund(r);
          },
          authorise: (r) => {
            authorisationsAsked.push(r.reference);
            return sandbox.authorise(r);
          },
        }),
      ));
    });
    afterAll(async () => {
      await t?.dispose();
    });

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

    const pan = (number: string) => ({ kind: 'pan' as const, pan: number, expiry: '1230', cvv: '123' });
    const charge = {
      merchantId: M,
      mode: 'SALE' as const,
      merchantReference: null,
      cofRequestor: null,
      cofSequence: null,
      customerRef: null,
      tokenize: false,
      paymentProductId: null,
      requestKey: null,
      now: new Date(),
    };

    it('charges: a create payment retried with its key answers the same payment (one authorisation); a card stored as a token is charged, and a subsequent payment charges the card on file', async () => {
      const requestKey = { key: `key-${ctx.newId()}`, hash: 'body-hash-charge' };
      const card = { kind: 'card' as const, card: pan('4330264936344675') };
      const first = await createPayment(journal, {
        ...charge,
        amount: EUR(2_500),
        payWith: card,
        requestKey,
      });
      const again = await createPayment(journal, {
        ...charge,
        amount: EUR(2_500),
        payWith: card,
        requestKey,
      });
      if (!first.ok || !again.ok) throw new Error('the charge failed');
      expect(again.value.payment.paymentId).toBe(first.value.payment.paymentId);
      expect(again.value.payment.outcome).toBe(first.value.payment.outcome);
      expect(first.value.loaded.operations.map((s) => s.operation.kind)).toEqual(['SALE']);
      expect(first.value.tokenization).toBeNull();
      const reference = first.value.loaded.operations[0]!.operation.id;
      expect(authorisationsAsked.filter((r) => r === reference)).toHaveLength(1);

      const token = await createToken(journal, {
        merchantId: M,
        card: pan('5555555555554444'),
        customerRef: 'cust-1',
        paymentProductId: null,
        now: new Date(),
      });
      if (!token.ok) throw new Error(token.error.message);
      expect(token.value).toMatchObject({ last4: '4444', brand: 'MASTERCARD', status: 'ACTIVE' });
      const byToken = await createPayment(journal, {
        ...charge,
        amount: EUR(1_000),
        payWith: { kind: 'token', tokenId: token.value.tokenId },
        tokenize: true,
      });
      if (!byToken.ok) throw new Error('the token charge failed');
      expect(byToken.value.tokenization).toEqual({
        tokenId: token.value.tokenId,
        isNew: false,
        succeeded: true,
      });
      expect(byToken.value.payment.card?.tokenId).toBe(token.value.tokenId);

      const next = await subsequentPayment(journal, {
        merchantId: M,
        paymentId: byToken.value.payment.paymentId,
        amount: EUR(300),
        mode: 'SALE',
        merchantReference: null,
        requestKey: null,
      });
      if (!next.ok) throw new Error(next.error.error.message);
      expect(next.value.payment.paymentId).not.toBe(byToken.value.payment.paymentId);
      expect(next.value.payment.card?.last4).toBe('4444');
      expect(next.value.loaded.order.orderId).toBe(byToken.value.loaded.order.orderId);
    });

    it('charge and token failures are catalog values with their step: a deleted or unknown token (TOKEN), an invalid card (CARD), a decline carrying the payment, no card on file', async () => {
      const token = await createToken(journal, {
        merchantId: M,
        card: pan('4330264936344675'),
        customerRef: null,
        paymentProductId: null,
        now: new Date(),
      });
      if (!token.ok) throw new Error(token.error.message);
      const { tokenId } = token.value;
      expect(await deleteToken(ledger, { merchantId: M, tokenId })).toEqual({ ok: true, value: null });
      const twice = await deleteToken(ledger, { merchantId: M, tokenId });
      expect(twice.ok ? null : twice.error.code).toBe('TOKEN_DELETED');
      const unknown = await deleteToken(ledger, { merchantId: M, tokenId: ctx.newId() });
      expect(unknown.ok ? null : unknown.error.code).toBe('TOKEN_NOT_FOUND');

      const asked = authorisationsAsked.length;
      const deleted = await createPayment(journal, {
        ...charge,
        amount: EUR(100),
        payWith: { kind: 'token', tokenId },
      });
      expect(deleted.ok ? null : deleted.error).toMatchObject({
        error: { code: 'TOKEN_DELETED' },
        step: 'TOKEN',
        declined: null,
      });
      const luhn = await createPayment(journal, {
        ...charge,
        amount: EUR(100),
        payWith: { kind: 'card', card: pan('4330264936344676') },
      });
      expect(luhn.ok ? null : luhn.error).toMatchObject({ error: { code: 'CARD_INVALID' }, step: 'CARD' });
      expect(authorisationsAsked).toHaveLength(asked);

      const declined = await createPayment(journal, {
        ...charge,
        amount: EUR(100),
        payWith: { kind: 'card', card: pan('4000000000000002') },
      });
      if (declined.ok) throw new Error('the card was not declined');
      expect(declined.error).toMatchObject({ error: { code: 'CARD_DECLINED' }, step: null });
      expect(declined.error.declined?.payment.card?.last4).toBe('0002');

      // A counter sale's card is on file (in store); a declined online payment stored none.
      const noCard = await subsequentPayment(journal, {
        merchantId: M,
        paymentId: declined.error.declined!.payment.paymentId,
        amount: EUR(100),
        mode: 'SALE',
        merchantReference: null,
        requestKey: null,
      });
      expect(noCard.ok ? null : noCard.error).toMatchObject({
        error: { code: 'CARD_NOT_ON_FILE' },
        step: null,
      });
      const missing = await subsequentPayment(journal, {
        merchantId: M,
        paymentId: formatPaymentId(issuer, 999_998) as PaymentId,
        amount: EUR(100),
        mode: 'SALE',
        merchantReference: null,
        requestKey: null,
      });
      expect(missing.ok ? null : missing.error.error.code).toBe('PAYMENT_NOT_FOUND');
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
