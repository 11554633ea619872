/**
 * Cut the line at random byte offsets across an authorization (issue 4): at least 200 cuts. Most run
 * over the in-process line (serial framing: the cable drops bytes until it is plugged back in; bare APDUs:
 * the connection closes), some over real TCP on 127.0.0.1 and some over a real socat pty through
 * serialport. The cable comes back after a random pause; recovery may or may not reach the terminal.
 *
 * The property: no result says "declined/aborted/not charged" for a payment the terminal booked, and no
 * result says "approved" for one it did not book. Unknown outcomes are allowed and counted.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { money } from '../../../src-shared';
import type { TransactionOutcome } from '../../../src-main/zvt/session/types';
import { Cable, createRig, type Transport } from './rig';

const LINK = { t1Ms: 200, t2Ms: 250, maxRepeats: 2 };
const SESSION = { t3Ms: 800, t4Ms: 1_500, recoveryAttempts: 5, recoveryDelayMs: 150 };
const AMOUNT = money(1234, 'EUR');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CutResult {
  offset: number;
  kind: TransactionOutcome['kind'];
  booked: number;
  recovered: boolean;
}

async function exchangeBytes(transport: Transport): Promise<number> {
  const cable = new Cable(transport === 'pty' || transport === 'in-process-serial' ? 'drop' : 'close');
  const rig = await createRig(transport, {
    link: LINK,
    session: { timers: SESSION },
    wrapEcr: (s) => cable.wrap(s),
  });
  try {
    await rig.session.register();
    const start = cable.bytes;
    const out = await rig.session.authorize(AMOUNT);
    expect(out.kind).toBe('approved');
    return cable.bytes - start;
  } finally {
    await rig.close();
  }
}

async function cutOnce(transport: Transport, offset: number, restoreAfterMs: number): Promise<CutResult> {
  const cable = new Cable(transport === 'pty' || transport === 'in-process-serial' ? 'drop' : 'close');
  cable.onCut = () => setTimeout(() => cable.restore(), restoreAfterMs);
  const rig = await createRig(transport, {
    link: LINK,
    session: { timers: SESSION },
    vt: { timers: { answerTimeoutMs: 800 } },
    wrapEcr: (s) => cable.wrap(s),
    canConnect: () => !cable.cut,
  });
  try {
    await rig.session.register();
    cable.cutAt(cable.bytes + offset);
    const out = await rig.session.authorize(AMOUNT);
    await sleep(1_200); // let the terminal finish its own timeouts before reading its books
    const booked = rig.vt.bookedTransactions().filter((e) => e.kind === 'payment');
    if (out.kind === 'approved') {
      expect(booked.map((e) => String(e.receipt).padStart(4, '0'))).toEqual([out.details.receiptNumber]);
    } else if (out.kind !== 'unknown') {
      expect(booked, `cut at ${offset}: ${out.kind} but the terminal booked it`).toEqual([]);
    }
    const recovered =
      (out.kind === 'approved' && out.recovered !== undefined) ||
      (out.kind === 'failed' && out.recovery !== undefined);
    return { offset, kind: out.kind, booked: booked.length, recovered };
  } finally {
    await rig.close();
  }
}

async function runCuts(
  transport: Transport,
  count: number,
  parallel: number,
  seed: number,
): Promise<CutResult[]> {
  const total = await exchangeBytes(transport);
  const plans = fc.sample(
    fc.record({
      offset: fc.integer({ min: 0, max: total + 4 }),
      restoreAfterMs: fc.integer({ min: 0, max: 900 }),
    }),
    // Fixed seeds keep a failure reproducible; ZVT_CUT_SEED explores other offsets.
    { numRuns: count, seed: seed + Number(process.env.ZVT_CUT_SEED ?? 0) },
  );
  const results: CutResult[] = [];
  for (let i = 0; i < plans.length; i += parallel) {
    const batch = plans.slice(i, i + parallel);
    results.push(...(await Promise.all(batch.map((p) => cutOnce(transport, p.offset, p.restoreAfterMs)))));
  }
  const summary = results.reduce<Record<string, number>>((acc, r) => {
    acc[r.kind] = (acc[r.kind] ?? 0) + 1;
    if (r.recovered) acc.resolvedByRecovery = (acc.resolvedByRecovery ?? 0) + 1;
    return acc;
  }, {});
  console.log(
    `line cuts over ${transport}: ${results.length} cuts of a ${total}-byte authorization →`,
    JSON.stringify(summary),
  );
  return results;
}

describe('line cut at random byte offsets during an authorization', () => {
  test('in-process serial line (160 cuts): never declined when booked, never approved when not', async () => {
    const r = await runCuts('in-process-serial', 160, 20, 4401);
    expect(r).toHaveLength(160);
  }, 240_000);

  test('in-process APDU stream, connection closes at the cut (40 cuts)', async () => {
    const r = await runCuts('in-process-tcp', 40, 20, 4402);
    expect(r).toHaveLength(40);
  }, 120_000);

  test('real TCP on 127.0.0.1, connection closes at the cut (20 cuts)', async () => {
    const r = await runCuts('tcp', 20, 10, 4403);
    expect(r).toHaveLength(20);
  }, 120_000);

  test('real pty through serialport, cable drops bytes (16 cuts)', async () => {
    const r = await runCuts('pty', 16, 4, 4404);
    expect(r).toHaveLength(16);
  }, 180_000);
});
