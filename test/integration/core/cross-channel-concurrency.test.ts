/**
 * Cross-channel refund concurrency on real PostgreSQL with two core processes (issue 3 "Tests and numbers"):
 * per trial, one in-store sale pushed by a terminal, then 50 concurrent refunds against its order, split
 * between the online API (signed raw requests) and the terminal sync API (reservation + confirm, and pushed
 * counter refunds), each request sent to one of the two processes. 200 trials: in none may the refunds exceed
 * what was paid, and what the ledger recorded must equal what the callers were told succeeded (a counter
 * refund confirmed under a reservation is money that moved, so its confirmation must never be refused).
 * Then a double full refund across channels: exactly one succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, enrollTerminal } from '../../../src-core/accounts/accounts';
import { createLedgerContext } from '../../../src-core/ledger/context';
import { POSTGRES_SKIP_REASON } from '../../helpers/core-db';
import { seedPostgresMerchant, type SeededMerchant } from '../../helpers/core-seed';
import { spawnCore, type CoreProcess } from '../../helpers/core-process';
import { rawClient, type RawClient } from '../../helpers/core-server';
import { eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies */
const TRIALS = 200;
const REFUNDS_PER_TRIAL = 50;
const PAID = 10_000;
const ACCEPTED_REFUSALS = ['REFUND_ORDER_LOCKED', 'REFUND_EXCEEDS_REFUNDABLE'];

type Channel = 'online' | 'reservation' | 'push';
interface Attempt {
  channel: Channel;
  amount: number;
  /** 'OK' or the refusal code. */
  outcome: string;
}

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `cross-channel refunds, two core processes on one PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let seeded: SeededMerchant;
    const cores: CoreProcess[] = [];
    /** Per process: the merchant's online client and the terminal's sync client. */
    const online: RawClient[] = [];
    const terminals: TestTerminal[] = [];
    const merchantId = 'MXCHAN';

    beforeAll(async () => {
      seeded = await seedPostgresMerchant(merchantId, 'Cross channel');
      const { db, keyring, key } = seeded;
      const ctx = createLedgerContext();
      const store = await createStore(db, ctx, { merchantId, name: 'Flagship' });
      if (!store.ok) throw new Error('seeding failed');
      const terminal = await enrollTerminal(db, ctx, keyring, { merchantId, store: store.value.storeId });
      if (!terminal.ok) throw new Error(terminal.error.message);
      const env = {
        ...seeded.coreEnv,
        DATABASE_POOL_SIZE: '24',
        // A little acquirer latency widens the window in which refunds overlap.
        SANDBOX_LATENCY_MS: '2',
        LOG_LEVEL: 'info',
      };
      cores.push(...(await Promise.all([spawnCore(env), spawnCore(env)])));
      // One terminal talking to both processes; only the first client mints payment ids (the sales).
      for (const c of cores) {
        const url = `http://127.0.0.1:${c.port}`;
        online.push(rawClient(url, key.keyId, key.secret));
        terminals.push(testTerminal(url, terminal.value));
      }
    }, 120_000);

    afterAll(async () => {
      for (const c of cores) await c.stop();
      await seeded?.dispose();
    });

    const sale = async (): Promise<string> => {
      const s = await terminals[0]!.sale({ total: PAID, paid: PAID });
      return s.paymentId;
    };

    /** One refund attempt through a channel and a process; the outcome as the caller learns it. */
    async function refund(
      channel: Channel,
      proc: number,
      paymentId: string,
      amount: number,
    ): Promise<Attempt> {
      const t = terminals[proc]!;
      const code = (r: { body: unknown; status: number }) =>
        (r.body as any)?.errors?.[0]?.id ?? `HTTP ${r.status}`;
      if (channel === 'online') {
        const r = await online[proc]!('POST', `/v2/${merchantId}/payments/${paymentId}/refund`, {
          body: { amountOfMoney: { amount, currencyCode: 'EUR' } },
        });
        return { channel, amount, outcome: r.status === 201 ? 'OK' : code(r) };
      }
      if (channel === 'reservation') {
        const reservationId = t.newId();
        const held = await t.raw('POST', '/sync/v1/reservations', {
          body: { reservationId, paymentId, amount: eurMoney(amount), ttlSeconds: 60 },
        });
        if (held.status !== 201) return { channel, amount, outcome: code(held) };
        // The card terminal refunds now; then the counter confirms, on the other process.
        const done = await terminals[1 - proc]!.raw(
          'POST',
          `/sync/v1/reservations/${reservationId}/confirm`,
          {
            body: { operationId: t.newId(), amount: eurMoney(amount), occurredAt: new Date().toISOString() },
          },
        );
        return { channel, amount, outcome: done.status === 201 ? 'OK' : `CONFIRM_REFUSED ${code(done)}` };
      }
      const pushed = await t.push([
        t.messages.onPayment('REFUND', paymentId, { amount: eurMoney(amount), method: 'CASH' }),
      ]);
      const res = pushed.results[0] as any;
      return {
        channel,
        amount,
        outcome: res?.status === 'accepted' ? 'OK' : (res?.code ?? `HTTP ${pushed.status}`),
      };
    }

    const recordedRefunds = async (paymentId: string) => {
      const rows = await seeded.db.query<{ total: string | null }>(
        `SELECT sum(amount_minor) AS total FROM operations WHERE payment_id = $1 AND kind = 'REFUND'`,
        [paymentId],
      );
      return Number(rows[0]?.total ?? 0);
    };

    it(`${REFUNDS_PER_TRIAL} concurrent refunds across online, reservation and pushed counter refunds, ${TRIALS} trials: 0 over-refunds`, async () => {
      const channels: Channel[] = ['online', 'reservation', 'push'];
      let overRefunds = 0;
      let mismatches = 0;
      const outcomes = new Map<string, number>();
      for (let trial = 0; trial < TRIALS; trial++) {
        const paymentId = await sale();
        // Amounts of 10-45 % of what was paid: a few may succeed, their sum must stay within what was paid.
        const attempts = await Promise.all(
          Array.from({ length: REFUNDS_PER_TRIAL }, (_, i) => {
            const amount = 1_000 + ((trial * 7_919 + i * 104_729) % 3_501);
            return refund(channels[(trial + i) % 3]!, (trial + i) % 2, paymentId, amount);
          }),
        );
        let told = 0;
        for (const a of attempts) {
          const key = `${a.channel}:${a.outcome}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          if (a.outcome === 'OK') told += a.amount;
        }
        const recorded = await recordedRefunds(paymentId);
        if (recorded > PAID) overRefunds++;
        if (recorded !== told) mismatches++;
      }
      console.log(
        `cross-channel refunds: ${TRIALS} trials x ${REFUNDS_PER_TRIAL}, outcomes ${JSON.stringify(
          Object.fromEntries([...outcomes].sort()),
        )}, ${overRefunds} over-refunds, ${mismatches} answer/ledger mismatches`,
      );
      expect(overRefunds).toBe(0);
      expect(mismatches).toBe(0);
      for (const key of outcomes.keys()) {
        expect(['OK', ...ACCEPTED_REFUSALS]).toContain(key.split(':')[1]);
      }
      // Every channel won some races (otherwise the test would not prove much).
      for (const c of channels) expect(outcomes.get(`${c}:OK`) ?? 0).toBeGreaterThan(0);
    }, 300_000);

    it('a double full refund across two channels and both processes: exactly one succeeds', async () => {
      const pairs: Array<[Channel, Channel]> = [
        ['online', 'reservation'],
        ['online', 'push'],
        ['reservation', 'push'],
      ];
      for (let trial = 0; trial < 30; trial++) {
        const [a, b] = pairs[trial % 3]!;
        const paymentId = await sale();
        const results = await Promise.all([refund(a, 0, paymentId, PAID), refund(b, 1, paymentId, PAID)]);
        expect(
          results.filter((r) => r.outcome === 'OK'),
          JSON.stringify(results),
        ).toHaveLength(1);
        const loser = results.find((r) => r.outcome !== 'OK')!;
        expect(ACCEPTED_REFUSALS).toContain(loser.outcome);
        expect(await recordedRefunds(paymentId)).toBe(PAID);
      }
    }, 120_000);
  },
);
