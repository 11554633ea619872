/**
 * The loopback bridge with a small test contract, over real HTTP and a real WebSocket client on 127.0.0.1:
 * the token on every request and handshake, foreign origins refused, bodies validated naming the field,
 * handler errors as catalog codes, events pushed, docs generated from the contract.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { domainError, err, ok, UuidSchema } from '../../../src-shared';
import {
  bridgeDocs,
  EVENTS_SUBPROTOCOL,
  startBridge,
  type Bridge,
  type HandlerTable,
} from '../../../src-main/host/bridge';
import type { HostHandlers } from '../../../src-main/host/api';
import { HOST_API, type HostApi } from '../../../src-shared/host-api';

const contract = {
  commands: {
    add: {
      summary: 'Adds two numbers',
      input: z.object({ a: z.number().int(), b: z.number().int() }).strict(),
      output: z.object({ sum: z.number().int() }),
    },
    refund: {
      summary: 'Refunds part of an order',
      input: z.object({ orderId: UuidSchema, amountMinor: z.number().int().positive() }),
      output: z.object({ refunded: z.number().int() }),
    },
    crash: { input: z.object({}), output: z.object({}) },
    offContract: { input: z.object({}), output: z.object({ n: z.number() }) },
  },
  events: {
    saleCompleted: {
      summary: 'A sale was stored',
      payload: z.object({ orderId: z.string(), totalMinor: z.number().int() }),
    },
  },
};

const handlers: HandlerTable<typeof contract> = {
  add: ({ a, b }) => ok({ sum: a + b }),
  refund: ({ amountMinor }) =>
    amountMinor > 1_000
      ? err(
          domainError('REFUND_EXCEEDS_REFUNDABLE', {
            amount: amountMinor,
            paymentId: 'p',
            refundable: 1_000,
          }),
        )
      : ok({ refunded: amountMinor }),
  crash: () => {
    throw new Error('secret internals /var/lib/counter');
  },
  // Answers outside its own contract (a bug): the caller must not receive it.
  offContract: () => ok({ n: 'one' } as unknown as { n: number }),
};

// @ts-expect-error a handler table without every command of the contract does not compile
const _missing: HandlerTable<typeof contract> = {
  add: handlers.add,
  refund: handlers.refund,
  crash: handlers.crash,
};

// The host's handler table (src-main/host/api.ts) is a handler table of the bridge for the host contract.
const _hostTable = (h: HostHandlers): HandlerTable<HostApi> => h;

describe('loopback bridge and the host API contract', () => {
  it('documents every command and event of the host contract', () => {
    const docs = bridgeDocs(HOST_API, 'Counter host API');
    expect(docs.commands.map((c) => c.name).sort()).toEqual(Object.keys(HOST_API.commands).sort());
    expect(docs.commands.map((c) => c.path)).toContain('/api/staff.enroll');
    expect(docs.events.map((e) => e.name).sort()).toEqual(Object.keys(HOST_API.events).sort());
  });

  it("answers through a dispatcher (the host's, shared with Electron IPC) when given one", async () => {
    const seen: [string, unknown][] = [];
    const bridge = await startBridge({
      contract,
      dispatch: async (command, input) => {
        seen.push([command, input]);
        return command === 'add'
          ? { ok: true, value: { sum: 3 } }
          : { ok: false, error: domainError('REFUND_ORDER_LOCKED') };
      },
    });
    try {
      const post = (command: string, body: unknown) =>
        fetch(`${bridge.url}/api/${command}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${bridge.token}` },
          body: JSON.stringify(body),
        });
      const added = await post('add', { a: 1, b: 2 });
      expect(await added.json()).toEqual({ ok: true, value: { sum: 3 } });
      const locked = await post('refund', { anything: true });
      expect(locked.status).toBe(409);
      expect(await locked.json()).toMatchObject({ ok: false, error: { code: 'REFUND_ORDER_LOCKED' } });
      expect(seen).toEqual([
        ['add', { a: 1, b: 2 }],
        ['refund', { anything: true }],
      ]);
      expect((await post('nope', {})).status).toBe(404);
    } finally {
      await bridge.close();
    }
  });
});

describe('loopback bridge', () => {
  let bridge: Bridge<typeof contract>;
  const internalErrors: string[] = [];
  const call = (command: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}/api/${command}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    bridge = await startBridge({
      contract,
      handlers,
      onInternalError: (reference) => internalErrors.push(reference),
    });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it('answers a command with {ok:true, value} for the holder of the launch token', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bridge.token.length).toBeGreaterThanOrEqual(40);
    const res = await call('add', { a: 2, b: 40 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: { sum: 42 } });
  });

  it('refuses a missing, wrong or URL-borne token with 401 BRIDGE_TOKEN_INVALID', async () => {
    const none = await fetch(`${bridge.url}/api/add`, { method: 'POST', body: '{"a":1,"b":1}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'BRIDGE_TOKEN_INVALID' } });
    const wrong = await call(
      'add',
      { a: 1, b: 1 },
      { Authorization: `Bearer ${bridge.token.slice(0, -1)}x` },
    );
    expect(wrong.status).toBe(401);
    const inUrl = await fetch(`${bridge.url}/api/add?token=${bridge.token}`, { method: 'POST', body: '{}' });
    expect(inUrl.status).toBe(401);
  });

  it('is not reachable on any address but 127.0.0.1', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    const targets = [
      `http://[::1]:${bridge.port}`,
      ...(external ? [`http://${external.address}:${bridge.port}`] : []),
    ];
    for (const target of targets) {
      await expect(
        fetch(`${target}/api/docs`, { headers: { Authorization: `Bearer ${bridge.token}` } }),
      ).rejects.toThrow();
    }
  });

  it('names the field that is wrong in a request body, and says when the body is not JSON', async () => {
    const res = await call('add', { a: 1, b: 'two' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      ok: boolean;
      error: { code: string; message: string; field: string };
    };
    expect(body).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID', field: 'body.b' } });
    expect(body.error.message).toContain('body.b');
    const missing = (await (await call('add', { a: 1 })).json()) as { error: { message: string } };
    expect(missing.error.message).toBe('The request is invalid at body.b: it is missing.');
    const extra = (await (await call('add', { a: 1, b: 2, c: 3 })).json()) as { error: { message: string } };
    expect(extra.error.message).toContain('unknown field(s) c');
    const notJson = await call('add', '{"a":1,');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: 'REQUEST_BODY_NOT_JSON' } });
  });

  it("answers a handler's expected failure with its catalog code and HTTP status", async () => {
    const res = await call('refund', { orderId: '0190f5c2-7b1e-7cc3-9a4e-2f1d6b8e4a10', amountMinor: 5_000 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      ok: false,
      error: {
        code: 'REFUND_EXCEEDS_REFUNDABLE',
        message: 'Cannot refund 5000 on payment p: 1000 is refundable. For more, use a payout on the order.',
      },
    });
  });

  it('turns a handler exception or an answer outside the contract into INTERNAL_ERROR with a reference, hiding internals', async () => {
    const res = await call('crash', {});
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('/var/lib/counter');
    const reference = /reference ([0-9a-f-]{36})/.exec(text)?.[1];
    expect(internalErrors).toContain(reference);
    const off = await call('offContract', {});
    expect(off.status).toBe(500);
    expect(await off.json()).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR' } });
  });

  it('answers unknown commands and object-prototype names 404 ROUTE_NOT_FOUND', async () => {
    for (const name of ['nope', 'toString', '__proto__', 'constructor']) {
      const res = await call(name, {});
      expect(res.status, name).toBe(404);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'ROUTE_NOT_FOUND' } });
    }
  });

  it('refuses pages of a foreign origin, preflight included, and allows its own', async () => {
    const foreign = await call('add', { a: 1, b: 1 }, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(await foreign.json()).toMatchObject({ ok: false, error: { code: 'BRIDGE_ORIGIN_FORBIDDEN' } });
    const preflight = await fetch(`${bridge.url}/api/add`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    const ownPreflight = await fetch(`${bridge.url}/api/add`, {
      method: 'OPTIONS',
      headers: { Origin: bridge.url, 'Access-Control-Request-Method': 'POST' },
    });
    expect(ownPreflight.status).toBe(204);
    expect(ownPreflight.headers.get('access-control-allow-origin')).toBe(bridge.url);
    const own = await call('add', { a: 1, b: 1 }, { Origin: bridge.url });
    expect(own.status).toBe(200);
  });

  it('serves API docs generated from the contract, as JSON and HTML', async () => {
    const headers = { Authorization: `Bearer ${bridge.token}` };
    const json = (await (await fetch(`${bridge.url}/api/docs`, { headers })).json()) as {
      commands: { path: string; summary: string; input: { required?: string[] } }[];
      events: { name: string }[];
    };
    expect(json.commands.map((c) => c.path)).toEqual([
      '/api/add',
      '/api/crash',
      '/api/offContract',
      '/api/refund',
    ]);
    expect(json.commands[0]).toMatchObject({ summary: 'Adds two numbers', input: { required: ['a', 'b'] } });
    expect(json.events.map((e) => e.name)).toEqual(['saleCompleted']);
    const html = await (
      await fetch(`${bridge.url}/api/docs`, { headers: { ...headers, Accept: 'text/html' } })
    ).text();
    expect(html).toContain('POST /api/refund');
    expect(html).toContain('Refunds part of an order');
    expect((await fetch(`${bridge.url}/api/docs`)).status).toBe(401);
  });

  it('pushes events to WebSocket clients that present the token as a subprotocol', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/events`, [
      EVENTS_SUBPROTOCOL,
      `bearer.${bridge.token}`,
    ]);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // The server picks the events protocol: the token is not echoed back.
    expect(ws.protocol).toBe(EVENTS_SUBPROTOCOL);
    const frame = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    bridge.publish('saleCompleted', { orderId: 'o-1', totalMinor: 1250 });
    expect(JSON.parse(await frame)).toEqual({
      event: 'saleCompleted',
      payload: { orderId: 'o-1', totalMinor: 1250 },
    });
    expect(() =>
      bridge.publish('saleCompleted', { orderId: 'o-1', totalMinor: 'x' } as unknown as {
        orderId: string;
        totalMinor: number;
      }),
    ).toThrow();
    ws.close();
  });

  it('refuses a WebSocket handshake without the token or from a foreign origin', async () => {
    const status = (protocols: string[], headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/events`, protocols, { headers });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('open', () => {
          resolve(101);
          ws.close();
        });
        ws.once('error', () => undefined);
      });
    expect(await status([EVENTS_SUBPROTOCOL])).toBe(401);
    expect(await status([EVENTS_SUBPROTOCOL, 'bearer.wrong'])).toBe(401);
    expect(
      await status([EVENTS_SUBPROTOCOL, `bearer.${bridge.token}`], { Origin: 'https://evil.example' }),
    ).toBe(403);
    expect(await status([EVENTS_SUBPROTOCOL, `bearer.${bridge.token}`])).toBe(101);
  });
});
