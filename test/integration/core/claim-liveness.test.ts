/**
 * A dead process's idempotence claims free in seconds (src-core/idempotence/claim-liveness.ts), with real core
 * processes: a refund claims its key and stops dead before its journal row is written (test-only switch
 * COUNTER_TEST_ONLY_PAUSE_BEFORE_JOURNAL), then gets SIGKILL.
 *
 * - PostgreSQL, two processes: while the claimer lives, the other process answers the same key "in progress";
 *   once it is dead, the other answers the same key with the refund within seconds (before: 10 minutes).
 * - PGlite: a restarted core frees the previous run's claims at start.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import { DEAD_AFTER_MS } from '../../../src-core/idempotence/claim-liveness';
import {
  TEST_ONLY_PAUSE_BEFORE_JOURNAL_ENV,
  TEST_ONLY_PAUSE_BEFORE_JOURNAL_MESSAGE,
} from '../../helpers/pause-hooks';
import { POSTGRES_SKIP_REASON } from '../../helpers/core-db';
import { seedPostgresMerchant, type SeededMerchant } from '../../helpers/core-seed';
import { runCoreCommand, spawnCore, type CoreProcess } from '../../helpers/core-process';
import { rawClient, type RawClient } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;
const M = 'MLIVE';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** SIGKILL to the core's own node process (tsx runs it as a child), by the pid in its pause line. */
async function killHard(core: CoreProcess) {
  const line = core
    .output()
    .split('\n')
    .find((l) => l.includes(TEST_ONLY_PAUSE_BEFORE_JOURNAL_MESSAGE));
  const pid = line ? (JSON.parse(line) as { pid?: number }).pid : undefined;
  if (!pid) throw new Error(`no pid in the pause line: ${line}`);
  const exited = new Promise((r) => core.proc.once('close', r));
  process.kill(pid, 'SIGKILL');
  await exited;
}

async function sale(raw: RawClient, amount: number): Promise<string> {
  const r = await raw('POST', `/v2/${M}/payments`, {
    body: {
      order: { amountOfMoney: { amount, currencyCode: 'EUR' } },
      cardPaymentMethodSpecificInput: { card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' } },
    },
  });
  if (r.status !== 201) throw new Error(r.text);
  return (r.body as any).payment.id as string;
}

const refund = (raw: RawClient, paymentId: string, amount: number, key: string) =>
  raw('POST', `/v2/${M}/payments/${paymentId}/refund`, {
    body: { amountOfMoney: { amount, currencyCode: 'EUR' } },
    headers: { 'X-GCS-Idempotence-Key': key },
  });

/** Sends the refund to the process that will pause, waits for the pause, kills it; the caller gets no answer. */
async function claimAndDie(
  core: CoreProcess,
  raw: RawClient,
  paymentId: string,
  amount: number,
  key: string,
) {
  const inflight = refund(raw, paymentId, amount, key).then(
    (r) => new Error(`the paused core answered ${r.status}: ${r.text}`),
    (e: unknown) => e,
  );
  await waitFor('the test-only pause', () => core.output().includes(TEST_ONLY_PAUSE_BEFORE_JOURNAL_MESSAGE));
  return {
    kill: async () => {
      await killHard(core);
      expect(String(await inflight)).not.toContain('the paused core answered');
    },
  };
}

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `a dead process's idempotence claims free in seconds, two processes on PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let seeded: SeededMerchant;
    const running: CoreProcess[] = [];
    beforeAll(async () => {
      seeded = await seedPostgresMerchant(M, 'Liveness shop');
    });
    afterAll(async () => {
      for (const c of running) if (c.proc.exitCode === null && c.proc.signalCode === null) await c.stop();
      await seeded?.dispose();
    });

    it('kill -9 of the claimer before its journal row: the other process answers the same key within seconds, refunding once', async () => {
      const env = { ...seeded.coreEnv, LOG_REQUESTS: '0', COUNTER_RECONCILE_INTERVAL_MS: '3600000' };
      const [doomed, survivor] = await Promise.all([
        spawnCore({ ...env, [TEST_ONLY_PAUSE_BEFORE_JOURNAL_ENV]: 'REFUND' }),
        spawnCore(env),
      ]);
      running.push(doomed, survivor);
      const viaDoomed = rawClient(`http://127.0.0.1:${doomed.port}`, seeded.key.keyId, seeded.key.secret);
      const viaSurvivor = rawClient(`http://127.0.0.1:${survivor.port}`, seeded.key.keyId, seeded.key.secret);
      const paymentId = await sale(viaSurvivor, 10_000);
      const key = 'liveness-refund-1';
      const claim = await claimAndDie(doomed, viaDoomed, paymentId, 2_500, key);

      // The claimer is alive (paused, heartbeat beating): its claim holds, well past the dead-after period.
      await sleep(DEAD_AFTER_MS + 2_000);
      const inFlight = await refund(viaSurvivor, paymentId, 2_500, key);
      expect(inFlight.status, inFlight.text).toBe(409);
      expect((inFlight.body as any).errors[0]).toMatchObject({
        id: 'IDEMPOTENCE_REQUEST_IN_PROGRESS',
        errorCode: '1409',
      });

      await claim.kill();
      const killedAt = Date.now();
      let answer = await refund(viaSurvivor, paymentId, 2_500, key);
      while (answer.status === 409 && Date.now() - killedAt < 60_000) {
        expect((answer.body as any).errors[0].id).toBe('IDEMPOTENCE_REQUEST_IN_PROGRESS');
        await sleep(200);
        answer = await refund(viaSurvivor, paymentId, 2_500, key);
      }
      const freedAfterMs = Date.now() - killedAt;
      console.log(`a dead process's claim freed ${(freedAfterMs / 1000).toFixed(1)} s after kill -9`);
      expect(answer.status, answer.text).toBe(201);
      expect(freedAfterMs).toBeLessThan(DEAD_AFTER_MS + 5_000);
      // One refund at the acquirer and in the ledger; the same key replays it.
      const refunds = await seeded.db.query(
        `SELECT 1 FROM sandbox_acquirer_journal WHERE kind = 'REFUND' AND payment_id = $1`,
        [paymentId],
      );
      expect(refunds).toHaveLength(1);
      const replay = await refund(viaSurvivor, paymentId, 2_500, key);
      expect(replay.status).toBe(201);
      expect((replay.body as any).id).toBe((answer.body as any).id);
      const list = await viaSurvivor('GET', `/v2/${M}/payments/${paymentId}/refunds`);
      expect((list.body as any).refunds).toHaveLength(1);
    }, 120_000);
  },
);

describe('a restarted PGlite core frees the claims of its previous run at start', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let client: (c: CoreProcess) => RawClient;
  const running: CoreProcess[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'counter-liveness-pglite-'));
    env = {
      COUNTER_DATA_DIR: dataDir,
      COUNTER_MASTER_KEY: randomBytes(32).toString('hex'),
      LOG_REQUESTS: '0',
    };
    const merchant = await runCoreCommand(['create-merchant', '--id', M, '--name', 'Liveness shop'], env);
    expect(merchant.code, merchant.stderr).toBe(0);
    const key = await runCoreCommand(['create-api-key', '--merchant', M, '--json'], env);
    expect(key.code, key.stderr).toBe(0);
    const k = JSON.parse(key.stdout.trim()) as { keyId: string; secret: string };
    client = (c) => rawClient(`http://127.0.0.1:${c.port}`, k.keyId, k.secret);
  }, 60_000);
  afterAll(async () => {
    for (const c of running) if (c.proc.exitCode === null && c.proc.signalCode === null) await c.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('kill -9 before the journal row, restart: the same key runs at once', async () => {
    const doomed = await spawnCore({ ...env, [TEST_ONLY_PAUSE_BEFORE_JOURNAL_ENV]: 'REFUND' });
    running.push(doomed);
    const paymentId = await sale(client(doomed), 4_000);
    const claim = await claimAndDie(doomed, client(doomed), paymentId, 1_000, 'liveness-pglite-1');
    await claim.kill();
    const restarted = await spawnCore(env);
    running.push(restarted);
    const answer = await refund(client(restarted), paymentId, 1_000, 'liveness-pglite-1');
    expect(answer.status, answer.text).toBe(201);
    expect((answer.body as any).refundOutput.amountOfMoney.amount).toBe(1_000);
    expect(await restarted.stop()).toBe(0);
  }, 120_000);
});
