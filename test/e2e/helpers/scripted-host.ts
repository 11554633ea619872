/**
 * A scripted host behind the real loopback bridge (src-main/host/bridge: real HTTP, real WebSocket, the real
 * per-launch token). It stands in for the terminal host until its contract (src-shared/host-api.ts, issue 9)
 * is merged: the commands and events are the renderer's expectation (src-renderer/state/commands.ts), and the
 * test drives the card terminal's side (messages, outcome) through `terminal`.
 */
import { z } from 'zod';
import { startBridge, type Bridge } from '../../../src-main/host/bridge';
import { MoneySchema, PositiveMoneySchema } from '../../../src-shared/schemas';
import { domainError } from '../../../src-shared/errors';
import { money } from '../../../src-shared/money';

const Status = z.object({
  online: z.boolean(),
  queued: z.number().int(),
  oldestQueuedAt: z.string().nullable(),
  terminal: z.enum(['connected', 'disconnected', 'unknown']),
});
const Outcome = z.enum(['approved', 'declined', 'cancelled', 'unknown']);

export const scriptedContract = {
  commands: {
    status: { input: z.object({}).strict(), output: Status },
    'staff.signIn': {
      input: z.object({ pin: z.string() }).strict(),
      output: z.object({ staffId: z.string(), name: z.string(), role: z.enum(['cashier', 'manager']) }),
    },
    'staff.signOut': { input: z.object({}).strict(), output: z.object({}) },
    'catalog.lookup': {
      input: z.object({ code: z.string() }).strict(),
      output: z.object({ code: z.string(), name: z.string(), unitPrice: MoneySchema }),
    },
    'payment.card.start': { input: z.object({ amount: PositiveMoneySchema }).strict(), output: z.object({}) },
    'payment.card.cancel': { input: z.object({}).strict(), output: z.object({}) },
    'payment.card.recover': { input: z.object({}).strict(), output: z.object({ outcome: Outcome }) },
    'payment.cash': {
      input: z.object({ lines: z.array(z.unknown()), given: MoneySchema }).strict(),
      output: z.object({}),
    },
  },
  events: {
    status: { payload: Status },
    'terminal.message': { payload: z.object({ text: z.string() }) },
    'payment.card.outcome': { payload: z.object({ outcome: Outcome }) },
  },
} as const;

/** The demo catalogue: a few real-looking EANs, and 40 numbered items for the scan benchmark. */
export const CATALOG: Record<string, { name: string; price: number }> = {
  '4006381333931': { name: 'Coffee beans 500 g', price: 899 },
  '4000417025005': { name: 'Milk 1 l', price: 119 },
  ...Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [
      `20000000${String(i).padStart(5, '0')}`,
      { name: `Item ${i}`, price: 100 + i },
    ]),
  ),
};

export interface ScriptedHost {
  bridge: Bridge<typeof scriptedContract>;
  /** What the host will answer when the UI asks to recover an unknown card outcome. */
  recoveredOutcome: z.infer<typeof Outcome>;
  cardStarts: number;
  cashSales: number;
  close(): Promise<void>;
}

export async function startScriptedHost(allowedOrigin: string): Promise<ScriptedHost> {
  const host: Partial<ScriptedHost> & {
    recoveredOutcome: z.infer<typeof Outcome>;
    cardStarts: number;
    cashSales: number;
  } = { recoveredOutcome: 'approved', cardStarts: 0, cashSales: 0 };
  const bridge = await startBridge({
    contract: scriptedContract,
    allowedOrigins: [allowedOrigin],
    handlers: {
      status: () => ({
        ok: true,
        value: { online: true, queued: 0, oldestQueuedAt: null, terminal: 'connected' as const },
      }),
      'staff.signIn': ({ pin }) =>
        pin === '1234'
          ? { ok: true, value: { staffId: 's-1', name: 'Alex', role: 'cashier' as const } }
          : {
              ok: false,
              error: domainError('REQUEST_INVALID', { propertyName: 'pin', reason: 'wrong PIN' }),
            },
      'staff.signOut': () => ({ ok: true, value: {} }),
      'catalog.lookup': ({ code }) => {
        const item = CATALOG[code];
        if (!item)
          return {
            ok: false,
            error: domainError('REQUEST_INVALID', { propertyName: 'code', reason: `no item ${code}` }),
          };
        return { ok: true, value: { code, name: item.name, unitPrice: money(item.price, 'EUR') } };
      },
      'payment.card.start': () => {
        host.cardStarts += 1;
        return { ok: true, value: {} };
      },
      'payment.card.cancel': () => {
        setTimeout(() => bridge.publish('payment.card.outcome', { outcome: 'cancelled' }), 50);
        return { ok: true, value: {} };
      },
      'payment.card.recover': () => ({ ok: true, value: { outcome: host.recoveredOutcome } }),
      'payment.cash': () => {
        host.cashSales += 1;
        return { ok: true, value: {} };
      },
    },
  });
  host.bridge = bridge;
  host.close = () => bridge.close();
  return host as ScriptedHost;
}
