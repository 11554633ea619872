/**
 * The terminal sync API's signed body digest (src-core/sync/body-digest.ts), over real HTTP on PGlite: v1HMAC
 * does not sign the body, so a terminal signs `X-GCS-Content-SHA256` and the core refuses a body that does not
 * match it, or a body without it, before anything is applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_BODY_DIGEST_HEADER } from '../../../src-shared/sync-protocol';
import { bodyDigest, checkBodyDigest } from '../../../src-core/sync/body-digest';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

/* eslint-disable @typescript-eslint/no-explicit-any -- wire bodies are read as the terminal would read JSON */
describe('terminal sync body digest', () => {
  let core: TestCore;
  let term: TestTerminal;
  beforeAll(async () => {
    core = await startTestCore('pglite');
    term = testTerminal(core.url, core.terminal);
  });
  afterAll(async () => {
    await core?.close();
  });
  const refunds = async (paymentId: string) =>
    ((await core.raw('GET', `/v2/${core.merchantId}/payments/${paymentId}/refunds`)).body as any).refunds;

  it('a one-digit change of the body under the original signature is refused and nothing is applied', async () => {
    const sale = await term.sale({ total: 1_000, paid: 1_000 });
    const message = term.messages.onPayment('REFUND', sale.paymentId, {
      amount: { amountMinor: 100, currency: 'EUR' },
      method: 'CASH',
    });
    const original = JSON.stringify({ messages: [message] });
    const tampered = original.replace('"amountMinor":100', '"amountMinor":900');
    expect(tampered).not.toBe(original);
    expect(tampered.length).toBe(original.length);

    const refused = await term.raw('POST', '/sync/v1/push', {
      body: tampered,
      // What the terminal signed: the digest of the original bytes.
      headers: { [SYNC_BODY_DIGEST_HEADER]: bodyDigest(original) },
    });
    expect(refused.status, refused.text).toBe(401);
    expect((refused.body as any).errors[0]).toMatchObject({
      id: 'SYNC_BODY_DIGEST_MISMATCH',
      errorCode: '401611',
    });
    expect((refused.body as any).errors[0].message).toContain(SYNC_BODY_DIGEST_HEADER);
    expect(await refunds(sale.paymentId)).toHaveLength(0);

    const sent = await term.raw('POST', '/sync/v1/push', { body: original });
    expect(sent.status, sent.text).toBe(200);
    expect((sent.body as any).results[0].status).toBe('accepted');
    const list = await refunds(sale.paymentId);
    expect(list).toHaveLength(1);
    expect(list[0].refundOutput.amountOfMoney.amount).toBe(100);
  });

  it('a sync request with a body and no digest is refused; requests without a body need none', async () => {
    const sale = await term.sale({ total: 500, paid: 500 });
    const missing = await term.raw('POST', '/sync/v1/reservations', {
      body: {
        reservationId: term.newId(),
        paymentId: sale.paymentId,
        amount: { amountMinor: 100, currency: 'EUR' },
      },
      bodyDigest: false,
    });
    expect(missing.status).toBe(401);
    expect((missing.body as any).errors[0].id).toBe('SYNC_BODY_DIGEST_MISSING');
    expect((await term.raw('GET', '/sync/v1/changes?after=0')).status).toBe(200);
    // A digest sent without a body must be the empty body's.
    const noBody = await term.raw('GET', '/sync/v1/terminal', {
      headers: { [SYNC_BODY_DIGEST_HEADER]: bodyDigest('x') },
    });
    expect(noBody.status).toBe(401);
    expect((noBody.body as any).errors[0].id).toBe('SYNC_BODY_DIGEST_MISMATCH');
  });

  it('the verdict is pure: digest over the exact bytes, header required only with a body', () => {
    const bytes = Buffer.from('{"a":"é"}');
    const received = { digest: bodyDigest(bytes), bytes: bytes.length };
    expect(checkBodyDigest(received, bodyDigest('{"a":"é"}'))).toBe('ok');
    expect(checkBodyDigest(received, bodyDigest('{"a":"e"}'))).toBe('mismatch');
    expect(checkBodyDigest(received, undefined)).toBe('missing');
    expect(checkBodyDigest(null, undefined)).toBe('ok');
    expect(checkBodyDigest(null, bodyDigest(''))).toBe('ok');
    expect(checkBodyDigest(null, 'abc')).toBe('mismatch');
  });
});
