/**
 * What one refund and one subsequent payment cost the database, counted by a wrapper around the core's real
 * Db (the bench's `countingDb`) in an in-process core over real HTTP: issue 8's floor of two commits per
 * journaled money movement, and the statements schema 9 and the payment row riding in its append took away
 * (refund 4 → 3: no refund_locks row written; subsequent payment 4 → 3: no statement of its own for the
 * payment row). `npm run bench -- core` prints the same counts beside the rates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import { countingDb, stopCountingRoundTrips, type Counts } from '../../bench/core-load';
import { DATABASE_KINDS, TEST_DATABASE_URL } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;

// PostgreSQL runs where TEST_DATABASE_URL is set (CI sets it); elsewhere its title says why it was skipped.
for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(`money paths' statements on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    let counts: Counts;
    let acquirerTrips = 0;
    let base: string;

    beforeAll(async () => {
      core = await startTestCore(kind, {
        wrapDb: (real) => {
          // On PostgreSQL the writes to its socket are counted too (one per round trip).
          const port = kind === 'postgres' ? Number(new URL(TEST_DATABASE_URL!).port || 5432) : undefined;
          const counted = countingDb(real, port);
          counts = counted.counts;
          return counted.db;
        },
        // The sandbox acquirer's own records are in the same PostgreSQL here (a file in the bench): its writes
        // to the socket during its calls are its own, not the core's.
        wrapAcquirer: (sandbox) => {
          const own = async <T>(call: () => Promise<T>): Promise<T> => {
            const before = counts.roundTrips;
            try {
              return await call();
            } finally {
              acquirerTrips += counts.roundTrips - before;
            }
          };
          return {
            ...sandbox,
            refund: (r) => own(() => sandbox.refund(r)),
            authorise: (r) => own(() => sandbox.authorise(r)),
          };
        },
      });
      base = `/v2/${core.merchantId}`;
    });
    afterAll(async () => {
      if (counts) stopCountingRoundTrips(counts);
      await core?.close();
    });

    const post = (path: string, body: object) => core.raw('POST', `${base}${path}`, { body });
    /** Statements and commits the core sent for `run` (none of the test's own reads are counted). */
    const costOf = async (run: () => Promise<void>) => {
      const before = { ...counts };
      await run();
      return { statements: counts.statements - before.statements, commits: counts.commits - before.commits };
    };
    const pay = async () => {
      const r = await post('/payments', {
        order: { amountOfMoney: { amount: 10_000, currencyCode: 'EUR' } },
        cardPaymentMethodSpecificInput: {
          card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' },
          authorizationMode: 'SALE',
          unscheduledCardOnFileRequestor: 'cardholderInitiated',
          unscheduledCardOnFileSequenceIndicator: 'first',
        },
      });
      expect(r.status, r.text).toBe(201);
      return (r.body as any).payment.id as string;
    };

    it('a refund is 3 statements in 2 commits: the order locked and loaded, the journal row that is its lock, the recording', async () => {
      const paymentId = await pay();
      for (const amount of [1_000, 1_100]) {
        const cost = await costOf(async () => {
          const r = await post(`/payments/${paymentId}/refund`, {
            amountOfMoney: { amount, currencyCode: 'EUR' },
          });
          expect(r.status, r.text).toBe(201);
          expect((r.body as any).status).toBe('REFUNDED');
        });
        expect(cost).toEqual({ statements: 3, commits: 2 });
      }
    });

    // Skipped on PGlite, with the reason in its title there: it runs in process, with no socket whose writes
    // could be counted. Runs on PostgreSQL (CI sets TEST_DATABASE_URL).
    it.skipIf(kind !== 'postgres')(
      `a refund is 2 round trips to the database (the sandbox acquirer's own records not counted): the order locked and loaded, its journal row and COMMIT in one write, then the recording${kind !== 'postgres' ? ' (skipped: PGlite is in process, so there is no socket to count round trips on)' : ''}`,
      async () => {
        const paymentId = await pay();
        for (const amount of [1_200, 1_300]) {
          const before = counts.roundTrips - acquirerTrips;
          const r = await post(`/payments/${paymentId}/refund`, {
            amountOfMoney: { amount, currencyCode: 'EUR' },
          });
          expect(r.status, r.text).toBe(201);
          expect(counts.roundTrips - acquirerTrips - before).toBe(2);
        }
      },
    );

    it('a subsequent payment is 3 statements in 2 commits: the order read, the journal row, the payment row and its opening in one', async () => {
      const paymentId = await pay();
      const subsequent = () =>
        post(`/payments/${paymentId}/subsequent`, {
          order: { amountOfMoney: { amount: 500, currencyCode: 'EUR' } },
        });
      // The first one may draw a new block of payment ids (one statement every so often).
      expect((await subsequent()).status).toBe(201);
      const cost = await costOf(async () => {
        const r = await subsequent();
        expect(r.status, r.text).toBe(201);
        expect((r.body as any).payment.status).toBe('CAPTURED');
      });
      expect(cost).toEqual({ statements: 3, commits: 2 });
    });

    // Skipped on PGlite for the same reason (in its title there); runs on PostgreSQL.
    it.skipIf(kind !== 'postgres')(
      `a subsequent payment is 2 round trips to the database (the sandbox acquirer's own records not counted): the order read, its journal row built from the card on file and COMMIT in one write, then the recording${kind !== 'postgres' ? ' (skipped: PGlite is in process, so there is no socket to count round trips on)' : ''}`,
      async () => {
        const paymentId = await pay();
        const subsequent = () =>
          post(`/payments/${paymentId}/subsequent`, {
            order: { amountOfMoney: { amount: 300, currencyCode: 'EUR' } },
          });
        // The first one may draw a new block of payment ids (one statement and round trip every so often).
        expect((await subsequent()).status).toBe(201);
        for (let i = 0; i < 2; i++) {
          const before = counts.roundTrips - acquirerTrips;
          const r = await subsequent();
          expect(r.status, r.text).toBe(201);
          expect((r.body as any).payment.status).toBe('CAPTURED');
          expect(counts.roundTrips - acquirerTrips - before).toBe(2);
        }
      },
    );
  });
}
