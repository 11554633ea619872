/**
 * kill -9 of a real core process after the acquirer approved and before the ledger write, then a restart:
 * nothing is lost and nothing is charged twice. The process stops at that exact point through the test-only
 * hook COUNTER_TEST_ONLY_PAUSE_AFTER_ACQUIRER (test/helpers/pause-hooks.ts), then gets SIGKILL.
 *
 * - A payment: start-up reconciliation records it exactly once; the retry with the same idempotence key gets
 *   that payment; the acquirer's own journal shows one charge. (PostgreSQL, and PGlite in a data directory.)
 * - A refund: until reconciliation no refund or payout can take the order (REFUND_ORDER_LOCKED); the operator's
 *   `npm run core -- reconcile` records it once; the retry gets it; nothing beyond what was paid is refundable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCardById } from '../../../src-shared';
import type { Db } from '../../../src-core/db/adapter';
import { fileSandboxRecords, SANDBOX_RECORDS_FILE } from '../../../src-core/acquirer/sandbox-file-records';
import { openPglite } from '../../../src-core/db/pglite';
import { TEST_ONLY_PAUSE_ENV, TEST_ONLY_PAUSE_MESSAGE } from '../../helpers/pause-hooks';
import { POSTGRES_SKIP_REASON } from '../../helpers/core-db';
import { seedPostgresMerchant, type SeededMerchant } from '../../helpers/core-seed';
import { runCoreCommand, spawnCore, type CoreProcess } from '../../helpers/core-process';
import { rawClient, type RawClient } from '../../helpers/core-server';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;
const M = 'MCRASH';
const PAID = 10_000;

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * SIGKILL to the core's own node process (the one that logged the pause, by its pid; `tsx` runs it as a child
 * of the process we spawned): no shutdown hook, no graceful close, exactly as a crash.
 */
async function killHard(core: CoreProcess) {
  const line = core
    .output()
    .split('\n')
    .find((l) => l.includes(TEST_ONLY_PAUSE_MESSAGE));
  const pid = line ? (JSON.parse(line) as { pid?: number }).pid : undefined;
  if (!pid) throw new Error(`no pid in the pause line: ${line}`);
  const exited = new Promise((r) => core.proc.once('close', r));
  process.kill(pid, 'SIGKILL');
  await exited;
}

const saleBody = (amount: number) => ({
  order: { amountOfMoney: { amount, currencyCode: 'EUR' } },
  cardPaymentMethodSpecificInput: { card: { cardNumber: visa.pan, expiryDate: visa.expiry, cvv: '123' } },
});

interface Setup {
  env: NodeJS.ProcessEnv;
  keyId: string;
  secret: string;
  client(core: CoreProcess): RawClient;
}

/** Sends a request that the paused process will never answer; resolves with the failure when it dies. */
function sendUnanswered(raw: RawClient, pathName: string, body: object, key: string) {
  return raw('POST', pathName, { body, headers: { 'X-GCS-Idempotence-Key': key } }).then(
    (r) => new Error(`the paused core answered ${r.status}: ${r.text}`),
    (e: unknown) => e,
  );
}

/** Kills a core paused after the acquirer answered `kind`, while `send` waits for the answer. */
async function crashAfterAcquirer(core: CoreProcess, send: () => Promise<unknown>) {
  const inflight = send();
  await waitFor('the test-only pause', () => core.output().includes(TEST_ONLY_PAUSE_MESSAGE));
  await killHard(core);
  const failure = await inflight;
  // The caller never got an answer: the connection died with the process.
  expect(failure).toBeInstanceOf(Error);
  expect(String(failure)).not.toContain('the paused core answered');
}

describe.skipIf(POSTGRES_SKIP_REASON !== null)(
  `kill -9 between the acquirer answer and the ledger write, on PostgreSQL${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ''}`,
  () => {
    let seeded: SeededMerchant;
    let db: Db;
    let dataDir: string;
    let setup: Setup;
    const running: CoreProcess[] = [];
    const spawn = async (extra: NodeJS.ProcessEnv) => {
      const c = await spawnCore({ ...setup.env, ...extra });
      running.push(c);
      return c;
    };

    beforeAll(async () => {
      seeded = await seedPostgresMerchant(M, 'Crash shop');
      db = seeded.db;
      const { keyId, secret } = seeded.key;
      dataDir = mkdtempSync(path.join(tmpdir(), 'counter-crash-'));
      setup = {
        env: { ...seeded.coreEnv, COUNTER_DATA_DIR: dataDir, LOG_REQUESTS: '0' },
        keyId,
        secret,
        client: (c) => rawClient(`http://127.0.0.1:${c.port}`, keyId, secret),
      };
    });
    afterAll(async () => {
      for (const c of running) if (c.proc.exitCode === null && c.proc.signalCode === null) await c.stop();
      await seeded?.dispose();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const journalRow = async (requestKey: string) =>
      (
        await db.query<{
          id: string;
          kind: string;
          state: string;
          result: string | null;
          payment_id: string;
          order_id: string;
        }>(
          `SELECT id, kind, state, result, payment_id, order_id FROM acquirer_journal WHERE request_key = $1`,
          [requestKey],
        )
      )[0];
    const atAcquirer = async (paymentId: string, kind: string) =>
      db.query<{ answer: string }>(
        'SELECT answer FROM sandbox_acquirer_journal WHERE payment_id = $1 AND kind = $2',
        [paymentId, kind],
      );

    it('a payment the acquirer approved when the core died is recorded exactly once at restart; the retry with the same idempotence key gets it, and the acquirer charged once', async () => {
      const paused = await spawn({
        [TEST_ONLY_PAUSE_ENV]: 'AUTHORISE',
        COUNTER_RECONCILE_INTERVAL_MS: '3600000',
      });
      const key = 'crash-payment-1';
      await crashAfterAcquirer(paused, () =>
        sendUnanswered(setup.client(paused), `/v2/${M}/payments`, saleBody(PAID), key),
      );
      // The acquirer approved; the ledger knows nothing; the journal row says what was asked.
      const row = await journalRow(key);
      expect(row).toMatchObject({ kind: 'AUTHORISE', state: 'PENDING' });
      const charges = await atAcquirer(row!.payment_id, 'AUTHORISE');
      expect(charges).toHaveLength(1);
      expect(JSON.parse(charges[0]!.answer).outcome.outcome).toBe('APPROVED');
      expect(await db.query('SELECT 1 FROM payments WHERE id = $1', [row!.payment_id])).toHaveLength(0);

      // Restart: start-up (and periodic) reconciliation records it once the grace period has passed.
      const restarted = await spawn({
        COUNTER_RECONCILE_GRACE_MS: '1000',
        COUNTER_RECONCILE_INTERVAL_MS: '300',
      });
      await waitFor('reconciliation', async () => (await journalRow(key))?.state === 'DONE');
      expect(await journalRow(key)).toMatchObject({ state: 'DONE', result: 'APPROVED' });
      // Its log line may reach us a moment after the row is seen DONE.
      await waitFor('the reconciliation log line', () =>
        restarted.output().includes('journal row reconciled'),
      );
      const ops = await db.query<{ id: string; kind: string }>(
        'SELECT id, kind FROM operations WHERE payment_id = $1',
        [row!.payment_id],
      );
      expect(ops).toEqual([{ id: row!.id, kind: 'SALE' }]);
      expect(await db.query('SELECT 1 FROM payments WHERE order_id = $1', [row!.order_id])).toHaveLength(1);

      const raw = setup.client(restarted);
      const retry = await raw('POST', `/v2/${M}/payments`, {
        body: saleBody(PAID),
        headers: { 'X-GCS-Idempotence-Key': key },
      });
      expect(retry.status, retry.text).toBe(201);
      expect((retry.body as any).payment).toMatchObject({ id: row!.payment_id, status: 'CAPTURED' });
      const replay = await raw('POST', `/v2/${M}/payments`, {
        body: saleBody(PAID),
        headers: { 'X-GCS-Idempotence-Key': key },
      });
      expect(replay.status).toBe(201);
      expect((replay.body as any).payment.id).toBe(row!.payment_id);
      // Still one charge at the acquirer, one payment in the ledger.
      expect(await atAcquirer(row!.payment_id, 'AUTHORISE')).toHaveLength(1);
      expect(
        await db.query(
          `SELECT 1 FROM sandbox_acquirer_journal WHERE kind = 'AUTHORISE' AND payment_id = $1`,
          [row!.payment_id],
        ),
      ).toHaveLength(1);
      const got = await raw('GET', `/v2/${M}/payments/${row!.payment_id}`);
      expect((got.body as any).status).toBe('CAPTURED');
      expect(await restarted.stop()).toBe(0);
    }, 90_000);

    it('a refund the acquirer made when the core died is recorded once by the operator reconciliation; in between the order is refund-locked, afterwards nothing beyond what was paid is refundable', async () => {
      const paused = await spawn({
        [TEST_ONLY_PAUSE_ENV]: 'REFUND',
        COUNTER_RECONCILE_INTERVAL_MS: '3600000',
      });
      const created = await setup.client(paused)('POST', `/v2/${M}/payments`, { body: saleBody(PAID) });
      expect(created.status, created.text).toBe(201);
      const paymentId = (created.body as any).payment.id as string;
      const key = 'crash-refund-1';
      const refund = { amountOfMoney: { amount: PAID, currencyCode: 'EUR' } };
      await crashAfterAcquirer(paused, () =>
        sendUnanswered(setup.client(paused), `/v2/${M}/payments/${paymentId}/refund`, refund, key),
      );
      const row = await journalRow(key);
      expect(row).toMatchObject({ kind: 'REFUND', state: 'PENDING', payment_id: paymentId });
      expect(await atAcquirer(paymentId, 'REFUND')).toHaveLength(1);
      const refunds = () =>
        db.query<{ id: string; amount_minor: string }>(
          `SELECT id, amount_minor FROM operations WHERE payment_id = $1 AND kind = 'REFUND'`,
          [paymentId],
        );
      expect(await refunds()).toHaveLength(0);

      // A core that does not reconcile on its own yet: what a merchant sees in between.
      const later = await spawn({ COUNTER_RECONCILE_GRACE_MS: '600000' });
      const raw = setup.client(later);
      const again = await raw('POST', `/v2/${M}/payments/${paymentId}/refund`, { body: refund });
      expect((again.body as any).errors[0].id).toBe('REFUND_ORDER_LOCKED');
      const payout = await raw('POST', `/v2/${M}/payouts`, {
        body: {
          amountOfMoney: { amount: 1, currencyCode: 'EUR' },
          omnichannelPayoutSpecificInput: { paymentId },
        },
      });
      expect((payout.body as any).errors[0].id).toBe('REFUND_ORDER_LOCKED');
      // (A retry with the same key is not sent here: the dead process's claim frees within seconds and the
      // retry would resume and settle the row itself; claim-liveness.test.ts covers that.)

      // The operator reconciles now (any number of core processes may be running meanwhile).
      const cli = await runCoreCommand(['reconcile', '--grace-seconds', '0', '--json'], setup.env);
      expect(cli.code, cli.stderr).toBe(0);
      expect(JSON.parse(cli.stdout.trim())).toMatchObject({ closed: 1, failed: 0 });
      const recorded = await refunds();
      expect(recorded).toEqual([{ id: row!.id, amount_minor: String(PAID) }]);

      const retry = await raw('POST', `/v2/${M}/payments/${paymentId}/refund`, {
        body: refund,
        headers: { 'X-GCS-Idempotence-Key': key },
      });
      expect(retry.status, retry.text).toBe(201);
      expect((retry.body as any).id).toBe(`${paymentId}_1`);
      expect(await refunds()).toHaveLength(1);
      expect(await atAcquirer(paymentId, 'REFUND')).toHaveLength(1);
      const beyond = await raw('POST', `/v2/${M}/payments/${paymentId}/refund`, {
        body: { amountOfMoney: { amount: 1, currencyCode: 'EUR' } },
      });
      expect((beyond.body as any).errors[0].id).toBe('REFUND_EXCEEDS_REFUNDABLE');
      const got = await raw('GET', `/v2/${M}/payments/${paymentId}`);
      expect((got.body as any).status).toBe('REFUNDED');
      expect(await later.stop()).toBe(0);
    }, 90_000);
  },
);

describe('kill -9 between the acquirer answer and the ledger write, on PGlite in a data directory', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let client: (c: CoreProcess) => RawClient;
  const running: CoreProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'counter-crash-pglite-'));
    env = {
      COUNTER_DATA_DIR: dataDir,
      COUNTER_MASTER_KEY: randomBytes(32).toString('hex'),
      LOG_REQUESTS: '0',
    };
    const merchant = await runCoreCommand(['create-merchant', '--id', M, '--name', 'Crash shop'], env);
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

  it('a payment the acquirer approved when the core died is recorded exactly once at restart, and the retry with the same key gets it', async () => {
    const paused = await spawnCore({
      ...env,
      [TEST_ONLY_PAUSE_ENV]: 'AUTHORISE',
      COUNTER_RECONCILE_INTERVAL_MS: '3600000',
    });
    running.push(paused);
    const key = 'crash-pglite-1';
    await crashAfterAcquirer(paused, () =>
      sendUnanswered(client(paused), `/v2/${M}/payments`, saleBody(PAID), key),
    );
    const restarted = await spawnCore({
      ...env,
      COUNTER_RECONCILE_GRACE_MS: '500',
      COUNTER_RECONCILE_INTERVAL_MS: '300',
    });
    running.push(restarted);
    await waitFor('reconciliation', () => restarted.output().includes('journal row reconciled'));
    const retry = await client(restarted)('POST', `/v2/${M}/payments`, {
      body: saleBody(PAID),
      headers: { 'X-GCS-Idempotence-Key': key },
    });
    expect(retry.status, retry.text).toBe(201);
    const paymentId = (retry.body as any).payment.id as string;
    expect((retry.body as any).payment.status).toBe('CAPTURED');
    expect(await restarted.stop()).toBe(0);
    // With the core stopped, read its data directory: one payment, one opening operation, one charge.
    const lite = await openPglite(path.join(dataDir, 'pgdata'));
    try {
      const count = async (sql: string) => Number((await lite.query<{ n: number }>(sql, [paymentId]))[0]?.n);
      expect(await count('SELECT count(*) AS n FROM payments WHERE id = $1')).toBe(1);
      expect(await count('SELECT count(*) AS n FROM operations WHERE payment_id = $1')).toBe(1);
      // The sandbox acquirer's own records, in its file in the data directory.
      const atAcquirer = fileSandboxRecords(path.join(dataDir, SANDBOX_RECORDS_FILE));
      const charges = (await atAcquirer.list()).filter(
        (r) => r.kind === 'AUTHORISE' && r.paymentId === paymentId,
      ).length;
      atAcquirer.close();
      expect(charges).toBe(1);
      expect(
        await count(`SELECT count(*) AS n FROM acquirer_journal WHERE state <> 'DONE' AND payment_id = $1`),
      ).toBe(0);
    } finally {
      await lite.close();
    }
  }, 90_000);
});
