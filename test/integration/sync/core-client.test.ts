/**
 * The host's signed sync client against a real core on loopback (PGlite): every endpoint, answers validated,
 * and every kind of failure classified the way the daemon and the host rely on (transient → try again later;
 * rejected → a final answer).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureMatches } from '../../../src-core/routing/v1hmac';
import { parseAuthorization } from '../../../src-shared/v1hmac';
import { SYNC_BODY_DIGEST_HEADER } from '../../../src-shared/sync-protocol';
import { createCoreClient, type CoreClient } from '../../../src-main/sync/core-client';
import { coreRefundPort } from '../../../src-main/sync/checkout-ports';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { eurMoney, testTerminal, type TestTerminal } from '../../helpers/terminal-sync';

interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback server that records each request and answers what the test says (or nothing at all). */
async function capturingServer(
  answer: (req: Captured) => { status: number; body: string } | 'hang',
): Promise<{ url: string; requests: Captured[]; close(): Promise<void> }> {
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      const a = answer(captured);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('signed core client against a real core', () => {
  let core: TestCore;
  let term: TestTerminal;
  let client: CoreClient;

  beforeAll(async () => {
    core = await startTestCore('pglite');
    term = testTerminal(core.url, core.terminal);
    client = createCoreClient({
      baseUrl: core.url,
      keyId: core.terminal.keyId,
      secret: core.terminal.secret,
    });
  });
  afterAll(async () => {
    await core?.close();
  });

  it('says which terminal, store and feed head its key belongs to', async () => {
    const r = await client.whoAmI();
    expect(r).toMatchObject({
      ok: true,
      value: { terminalId: core.terminal.terminalId, storeId: core.storeId, issuer: core.terminal.issuer },
    });
  });

  it('pushes a batch that the core accepts once and answers duplicate the second time', async () => {
    const order = term.messages.order(3_000);
    const payment = term.messages.payment(order.orderId, 1_000);
    const first = await client.push([order, payment]);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(first.value.results[1]).toMatchObject({
      status: 'accepted',
      details: { paymentId: payment.paymentId, refundable: eurMoney(1_000) },
    });
    const again = await client.push([order, payment]);
    expect(again.ok && again.value.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
  });

  it('pulls what another channel did, with the order balances', async () => {
    const sale = await term.sale({ total: 4_000, paid: 4_000 });
    const head = await client.whoAmI();
    const before = head.ok ? head.value.feedHead : 0;
    const refund = await core.raw('POST', `/v2/${core.merchantId}/payments/${sale.paymentId}/refund`, {
      body: { amountOfMoney: { amount: 1_500, currencyCode: 'EUR' } },
    });
    expect(refund.status).toBe(201);
    const page = await client.changes(before);
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.value.changes.map((c) => [c.orderId, c.operation.kind, c.operation.channel])).toEqual([
      [sale.orderId, 'REFUND', 'ONLINE'],
    ]);
    expect(page.value.orders[0]?.balances.refundable).toEqual(eurMoney(2_500));
  });

  it('reserves, reads, confirms and releases refund reservations; a second reservation meets the lock', async () => {
    const sale = await term.sale({ total: 5_000, paid: 5_000 });
    const reservationId = term.newId();
    const held = await client.reserveRefund({
      reservationId,
      paymentId: sale.paymentId,
      amount: eurMoney(1_000),
    });
    expect(held).toMatchObject({ ok: true, value: { state: 'HELD', orderId: sale.orderId } });

    // The lock is held: a second reservation on the same order is a transient failure (retry later).
    const blocked = await client.reserveRefund({
      reservationId: term.newId(),
      paymentId: sale.paymentId,
      amount: eurMoney(500),
    });
    expect(blocked).toMatchObject({
      ok: false,
      error: { kind: 'transient', code: 'REFUND_ORDER_LOCKED', status: 409 },
    });

    expect(await client.getReservation(reservationId)).toMatchObject({ ok: true, value: { state: 'HELD' } });
    const operationId = term.newId();
    const confirm = {
      operationId,
      amount: eurMoney(1_000),
      occurredAt: new Date().toISOString(),
    };
    const confirmed = await client.confirmReservation(reservationId, confirm);
    expect(confirmed).toMatchObject({
      ok: true,
      value: { duplicate: false, reservationWasHeld: true, reservation: { state: 'CONFIRMED' } },
    });
    expect(await client.confirmReservation(reservationId, confirm)).toMatchObject({
      ok: true,
      value: { duplicate: true },
    });

    const second = term.newId();
    await client.reserveRefund({ reservationId: second, paymentId: sale.paymentId, amount: eurMoney(500) });
    expect(await client.releaseReservation(second)).toMatchObject({ ok: true, value: { state: 'RELEASED' } });
  });

  it('classifies final refusals as rejected, with the catalog code and the field the core named', async () => {
    const sale = await term.sale({ total: 2_000, paid: 2_000 });
    const tooMuch = await client.reserveRefund({
      reservationId: term.newId(),
      paymentId: sale.paymentId,
      amount: eurMoney(9_999),
    });
    expect(tooMuch).toMatchObject({
      ok: false,
      error: { kind: 'rejected', code: 'REFUND_EXCEEDS_REFUNDABLE' },
    });

    const missing = await client.getReservation(term.newId());
    expect(missing).toMatchObject({
      ok: false,
      error: { kind: 'rejected', code: 'REFUND_RESERVATION_NOT_FOUND', status: 404 },
    });

    const invalid = await client.reserveRefund({
      reservationId: 'not-a-uuid',
      paymentId: sale.paymentId,
      amount: eurMoney(1),
    });
    expect(invalid).toMatchObject({
      ok: false,
      error: { kind: 'rejected', code: 'REQUEST_INVALID', propertyName: 'body.reservationId' },
    });

    const wrongKey = createCoreClient({ baseUrl: core.url, keyId: core.terminal.keyId, secret: 'wrong' });
    expect(await wrongKey.whoAmI()).toMatchObject({
      ok: false,
      error: { kind: 'rejected', code: 'AUTHORIZATION_INVALID', status: 401 },
    });
  });
});

describe('the core refund port checkout uses, built from the client', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore('pglite');
  });
  afterAll(async () => {
    await core?.close();
  });

  it('reserves and releases, and gives refusals as catalog errors with their kind', async () => {
    const term = testTerminal(core.url, core.terminal);
    const port = coreRefundPort(
      createCoreClient({ baseUrl: core.url, keyId: core.terminal.keyId, secret: core.terminal.secret }),
    );
    const sale = await term.sale({ total: 1_000, paid: 1_000 });
    const reservationId = term.newId();
    const held = await port.reserveRefund({
      reservationId,
      paymentId: sale.paymentId,
      amount: eurMoney(400),
    });
    expect(held).toMatchObject({ ok: true, value: { reservationId, state: 'HELD' } });
    expect(await port.releaseReservation(reservationId)).toMatchObject({
      ok: true,
      value: { state: 'RELEASED' },
    });
    const tooMuch = await port.reserveRefund({
      reservationId: term.newId(),
      paymentId: sale.paymentId,
      amount: eurMoney(5_000),
    });
    expect(tooMuch).toMatchObject({
      ok: false,
      error: { kind: 'rejected', error: { code: 'REFUND_EXCEEDS_REFUNDABLE' } },
    });
    expect(!tooMuch.ok && tooMuch.error.error.message).toContain('refundable');
  });
});

describe('signed core client: what it sends and how it fails without a core', () => {
  it('signs the digest of the exact body bytes, so a changed body no longer matches', async () => {
    const server = await capturingServer(() => ({ status: 503, body: '' }));
    try {
      const secret = 'terminal-secret';
      const client = createCoreClient({ baseUrl: server.url, keyId: 'key-1', secret });
      const r = await client.push([{ messageId: 'x', kind: 'CASH_MOVEMENT', note: 'Grüße' }]);
      expect(r).toMatchObject({
        ok: false,
        error: { kind: 'transient', code: 'SERVICE_UNAVAILABLE', status: 503 },
      });
      const req = server.requests[0]!;
      const digest = req.headers[SYNC_BODY_DIGEST_HEADER.toLowerCase()];
      expect(digest).toBe(createHash('sha256').update(Buffer.from(req.body, 'utf8')).digest('base64'));
      const auth = parseAuthorization(req.headers.authorization);
      expect(auth?.keyId).toBe('key-1');
      const signed = {
        method: req.method,
        contentType: req.headers['content-type'],
        date: req.headers.date!,
        headers: req.headers,
        pathAndQuery: req.url,
      };
      expect(signatureMatches(secret, signed, auth!.signature)).toBe(true);
      // The digest header is signed: altering it (to match an altered body) breaks the signature.
      const tampered = {
        ...signed,
        headers: { ...req.headers, [SYNC_BODY_DIGEST_HEADER.toLowerCase()]: 'AAAA' },
      };
      expect(signatureMatches(secret, tampered, auth!.signature)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('sends no digest and no content type on a GET, and waitSeconds only when long-poll is switched on', async () => {
    const page = JSON.stringify({ error: 'x' });
    const server = await capturingServer(() => ({ status: 200, body: page }));
    try {
      const plain = createCoreClient({ baseUrl: server.url, keyId: 'k', secret: 's' });
      const r = await plain.changes(7, 50);
      // 200 with something that is not a pull page: an invalid answer, never a half-read success.
      expect(r).toMatchObject({ ok: false, error: { kind: 'transient', code: 'CORE_ANSWER_INVALID' } });
      const longPoll = createCoreClient({
        baseUrl: server.url,
        keyId: 'k',
        secret: 's',
        longPollSeconds: 20,
      });
      await longPoll.changes(7);
      expect(server.requests.map((q) => q.url)).toEqual([
        '/sync/v1/changes?after=7&limit=50',
        '/sync/v1/changes?after=7&limit=100&waitSeconds=20',
      ]);
      expect(server.requests[0]!.headers[SYNC_BODY_DIGEST_HEADER.toLowerCase()]).toBeUndefined();
      expect(server.requests[0]!.headers['content-type']).toBeUndefined();
      // A POST without a body (release) still carries the digest, of the empty body.
      await plain.releaseReservation('0190f5c2-7b1e-7cc3-9a4e-2f1d6b8e4a10');
      const release = server.requests.at(-1)!;
      expect(release.body).toBe('');
      expect(release.headers[SYNC_BODY_DIGEST_HEADER.toLowerCase()]).toBe(
        createHash('sha256').update('').digest('base64'),
      );
    } finally {
      await server.close();
    }
  });

  it('reports a core that refuses connections or does not answer in time as transient', async () => {
    const server = await capturingServer(() => 'hang');
    try {
      const slow = createCoreClient({ baseUrl: server.url, keyId: 'k', secret: 's', timeoutMs: 200 });
      const r = await slow.whoAmI();
      expect(r).toMatchObject({
        ok: false,
        error: { kind: 'transient', code: 'CORE_UNREACHABLE', status: null },
      });
      expect(!r.ok && r.error.message).toContain('no answer within 200 ms');
    } finally {
      await server.close();
    }
    const gone = createCoreClient({ baseUrl: server.url, keyId: 'k', secret: 's' });
    const r = await gone.whoAmI();
    expect(r).toMatchObject({ ok: false, error: { kind: 'transient', code: 'CORE_UNREACHABLE' } });
    expect(!r.ok && r.error.message).toContain('ECONNREFUSED');
  });
});
