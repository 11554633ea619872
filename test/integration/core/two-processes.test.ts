/**
 * Stateless core: two core processes on one PostgreSQL behave like one. 50 concurrent refunds against one
 * order, split across both processes, 200 trials: never more refunded than paid. A double full refund sent to
 * both processes at once: exactly one succeeds, the other is REFUND_ORDER_LOCKED or exceeds refundable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'onlinepayments-sdk-nodejs';
import { testCardById } from '../../../src-shared';
import { POSTGRES_SKIP_REASON } from '../../helpers/core-db';
import { seedPostgresMerchant, type SeededMerchant } from '../../helpers/core-seed';
import { spawnCore, type CoreProcess } from '../../helpers/core-process';
import { sdkClient } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies */
const TRIALS = 200;
const REFUNDS_PER_TRIAL = 50;
const PAID = 10_000;
const visa = testCardById('visa-approve')!;

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `two core processes on one PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let seeded: SeededMerchant;
    const cores: CoreProcess[] = [];
    const sdks: Client[] = [];
    const merchantId = 'M2PROC';

    beforeAll(async () => {
      seeded = await seedPostgresMerchant(merchantId, 'Two processes');
      const env = {
        ...seeded.coreEnv,
        DATABASE_POOL_SIZE: '24',
        // A little acquirer latency widens the window in which refunds overlap.
        SANDBOX_LATENCY_MS: '2',
        LOG_REQUESTS: '0',
      };
      cores.push(...(await Promise.all([spawnCore(env), spawnCore(env)])));
      for (const c of cores) sdks.push(sdkClient(c.port, seeded.key.keyId, seeded.key.secret));
    });

    afterAll(async () => {
      for (const c of cores) await c.stop();
      await seeded?.dispose();
    });

    const sale = async (sdk: Client) => {
      const r = await sdk.payments.createPayment(merchantId, {
        order: { amountOfMoney: { amount: PAID, currencyCode: 'EUR' } },
        cardPaymentMethodSpecificInput: {
          card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' },
        },
      });
      if (!r.isSuccess) throw new Error(JSON.stringify(r.body));
      return (r.body as any).payment.id as string;
    };

    it(`${REFUNDS_PER_TRIAL} concurrent refunds split across both processes, ${TRIALS} trials: 0 over-refunds`, async () => {
      let overRefunds = 0;
      let mismatches = 0;
      let succeeded = 0;
      const outcomes = new Map<string, number>();
      for (let trial = 0; trial < TRIALS; trial++) {
        const paymentId = await sale(sdks[trial % 2]!);
        // Amounts of 25-60 % of what was paid: any two accepted refunds could exceed it unless the core refuses.
        const amounts = Array.from(
          { length: REFUNDS_PER_TRIAL },
          (_, i) => 2_500 + ((trial * 7919 + i * 104_729) % 3_501),
        );
        const results = await Promise.all(
          amounts.map((amount, i) =>
            sdks[i % 2]!.payments.refundPayment(merchantId, paymentId, {
              amountOfMoney: { amount, currencyCode: 'EUR' },
            }),
          ),
        );
        let acceptedSum = 0;
        results.forEach((r, i) => {
          const id = r.isSuccess ? 'OK' : ((r.body as any)?.errors?.[0]?.id ?? `HTTP ${r.status}`);
          outcomes.set(id, (outcomes.get(id) ?? 0) + 1);
          if (r.isSuccess) acceptedSum += amounts[i]!;
        });
        succeeded += results.filter((r) => r.isSuccess).length;
        const rows = await seeded.db.query<{ total: string | null }>(
          `SELECT sum(amount_minor) AS total FROM operations WHERE payment_id = $1 AND kind = 'REFUND'`,
          [paymentId],
        );
        const recorded = Number(rows[0]?.total ?? 0);
        if (recorded > PAID) overRefunds++;
        if (recorded !== acceptedSum) mismatches++;
      }
      // Every answer is a success or one of the two documented refusals.
      expect([...outcomes.keys()].sort()).toEqual(
        expect.arrayContaining(
          [...outcomes.keys()]
            .filter((k) => ['OK', 'REFUND_ORDER_LOCKED', 'REFUND_EXCEEDS_REFUNDABLE'].includes(k))
            .sort(),
        ),
      );
      expect(
        [...outcomes.keys()].every((k) =>
          ['OK', 'REFUND_ORDER_LOCKED', 'REFUND_EXCEEDS_REFUNDABLE'].includes(k),
        ),
      ).toBe(true);
      expect(overRefunds).toBe(0);
      expect(mismatches).toBe(0);
      expect(succeeded).toBeGreaterThan(TRIALS);
      console.log(
        `two-process refunds: ${TRIALS} trials x ${REFUNDS_PER_TRIAL}, final answers ${JSON.stringify(Object.fromEntries(outcomes))}, ` +
          `${overRefunds} over-refunds, ${mismatches} answer/ledger mismatches`,
      );
    }, 300_000);

    it('a double full refund sent to both processes at once: exactly one succeeds', async () => {
      for (let trial = 0; trial < 20; trial++) {
        const paymentId = await sale(sdks[0]!);
        const results = await Promise.all(
          sdks.map((sdk) =>
            sdk.payments.refundPayment(merchantId, paymentId, {
              amountOfMoney: { amount: PAID, currencyCode: 'EUR' },
            }),
          ),
        );
        expect(results.filter((r) => r.isSuccess)).toHaveLength(1);
        const loser = results.find((r) => !r.isSuccess)!;
        expect(['REFUND_ORDER_LOCKED', 'REFUND_EXCEEDS_REFUNDABLE']).toContain(
          (loser.body as any).errors[0].id,
        );
      }
    }, 120_000);
  },
);
