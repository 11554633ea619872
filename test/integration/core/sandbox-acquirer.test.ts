/**
 * The sandbox acquirer keeps its own durable records (`sandbox_acquirer_journal`) on PGlite and PostgreSQL,
 * as an external acquirer does: a request repeated with the same reference gets the first answer and never
 * charges twice (also when sent concurrently), `inquire` answers from the records (also a fresh instance, as
 * after a core restart), and its outcomes by test card and amount stay as documented.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money, TEST_CARDS, testCardById, type TestCard } from '../../../src-shared';
import type { Acquirer, AuthoriseRequest } from '../../../src-core/acquirer/acquirer';
import { createSandboxAcquirer } from '../../../src-core/acquirer/sandbox';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/core-db';

const EUR = (n: number) => money(n, 'EUR');
const visa = testCardById('visa-approve')!;

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`sandbox acquirer records on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let t: TestDatabase;
    let sandbox: Acquirer;
    beforeAll(async () => {
      t = await openTestDatabase(kind, 10);
      sandbox = createSandboxAcquirer({ db: t.db });
    });
    afterAll(async () => {
      await t?.dispose();
    });

    const charge = (card: TestCard, amountMinor: number, reference = randomUUID()): AuthoriseRequest => ({
      reference,
      card: { kind: 'pan', pan: card.pan, expiry: card.expiry, cvv: '123' },
      amount: EUR(amountMinor),
      mode: 'SALE',
      paymentId: '1000001000000000018',
      initiator: 'cardholder',
    });
    const rowsFor = async (reference: string) =>
      (
        await t.db.query<{ n: string | number }>(
          'SELECT count(*) AS n FROM sandbox_acquirer_journal WHERE reference = $1',
          [reference],
        )
      ).map((r) => Number(r.n))[0];

    it('answers a repeated reference with its first answer, also when the repeats arrive at once: one charge', async () => {
      const req = charge(visa, 1_234);
      const first = await sandbox.authorise(req);
      expect(first.outcome).toBe('APPROVED');
      const again = await sandbox.authorise(req);
      expect(again).toEqual(first);
      const racing = charge(visa, 999);
      const answers = await Promise.all(Array.from({ length: 6 }, () => sandbox.authorise(racing)));
      expect(new Set(answers.map((a) => a.acquirerReference)).size).toBe(1);
      expect(await rowsFor(req.reference)).toBe(1);
      expect(await rowsFor(racing.reference)).toBe(1);
      const refund = {
        reference: randomUUID(),
        cardRef: visa.token,
        amount: EUR(100),
        paymentId: req.paymentId,
      };
      const r1 = await sandbox.refund(refund);
      expect(await sandbox.refund(refund)).toEqual(r1);
      // One reference is one request: reusing it for something else is a bug, refused loudly.
      await expect(sandbox.capture({ ...refund, acquirerReference: null, isFinal: true })).rejects.toThrow();
      await expect(sandbox.authorise({ ...req, reference: refund.reference })).rejects.toThrow();
    });

    it('knows after a restart (a fresh instance on the same records) what it approved; an unknown reference was never received', async () => {
      const req = charge(visa, 5_000);
      const approved = await sandbox.authorise(req);
      const restarted = createSandboxAcquirer({ db: t.db });
      expect(await restarted.inquire(req.reference)).toEqual({ state: 'AUTHORISATION', outcome: approved });
      expect(await restarted.inquire(randomUUID())).toEqual({ state: 'NOT_RECEIVED' });
      const payout = {
        reference: randomUUID(),
        cardRef: visa.token,
        amount: EUR(700),
        paymentId: req.paymentId,
      };
      const paid = await sandbox.payout(payout);
      expect(await restarted.inquire(payout.reference)).toEqual({ state: 'MOVEMENT', result: paid });
    });

    it('a time-out is unknown when answered, and an inquiry finds it never reached the issuer (REJECTED); a repeat then gets that', async () => {
      const req = charge(testCardById('visa-timeout')!, 1_000);
      const answered = await sandbox.authorise(req);
      expect(answered.outcome).toBe('UNKNOWN');
      const inquired = await sandbox.inquire(req.reference);
      expect(inquired).toMatchObject({
        state: 'AUTHORISATION',
        outcome: { outcome: 'DECLINED', reason: 'ACQUIRER_TIMEOUT' },
      });
      expect(await sandbox.authorise(req)).toMatchObject({ outcome: 'DECLINED', reason: 'ACQUIRER_TIMEOUT' });
    });

    it('keeps its documented outcomes by test card and amount, and stores no card number', async () => {
      const expected: Record<string, string> = {
        APPROVE: 'APPROVED',
        DECLINE: 'CARD_DECLINED',
        EXPIRED: 'CARD_EXPIRED',
        STOLEN: 'CARD_STOLEN',
        TIMEOUT: 'UNKNOWN',
      };
      for (const card of TEST_CARDS) {
        const a = await sandbox.authorise(charge(card, 10_000));
        const got = a.outcome === 'DECLINED' ? a.reason : a.outcome;
        // The limit card approves up to 100.00 and declines above.
        expect(got, card.id).toBe(card.online === 'INSUFFICIENT_FUNDS' ? 'APPROVED' : expected[card.online]);
        if (card.online === 'INSUFFICIENT_FUNDS') {
          const above = await sandbox.authorise(charge(card, 10_001));
          expect(above).toMatchObject({ outcome: 'DECLINED', reason: 'INSUFFICIENT_FUNDS' });
        }
      }
      const other = await sandbox.authorise(charge({ ...visa, pan: '4111111111111111' }, 100));
      expect(other.outcome).toBe('APPROVED');
      const dump = await t.db.query<{ answer: string }>('SELECT answer FROM sandbox_acquirer_journal');
      const text = dump.map((r) => r.answer).join('\n');
      for (const card of TEST_CARDS) expect(text).not.toContain(card.pan);
      expect(text).not.toContain('4111111111111111');
    });
  });
}
