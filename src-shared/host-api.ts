/**
 * The host API: everything the counter's UI (and store IT's scripts) may ask the terminal host, and the
 * events it pushes, as zod schemas written once (style.md "Contracts"). Transports bind it: Electron IPC and
 * the loopback HTTP + WebSocket bridge (`POST /api/<command>`, `/events`). Every answer is
 * `{ ok: true, value } | { ok: false, error: { code, message } }` with a code from the error catalog.
 * src-main/host/handlers.ts must have a handler for every command here, or it does not compile.
 */
import { z } from 'zod';
import { ErrorCodeSchema, IsoDateTimeSchema } from './schemas';

const Minor = z.number().int().nonnegative();
const PositiveMinor = z.number().int().positive();
const StaffId = z.string().min(1).max(100);
const Pin = z.string().regex(/^\d{4,8}$/, 'a PIN has 4 to 8 digits');
const Manager = z.object({ managerId: StaffId, managerPin: Pin });
const Reason = z.string().min(3, 'give a reason of at least 3 characters').max(200);

export const CartEntryInputSchema = z.union([
  z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().positive().default(1) }),
  z.object({
    description: z.string().min(1).max(200),
    amountMinor: PositiveMinor,
    taxRateBp: z.number().int().min(0).max(10_000),
    quantity: z.number().int().positive().default(1),
  }),
]);

export const TenderInputSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('CARD'), amountMinor: PositiveMinor.optional() }),
  z.object({
    method: z.literal('CASH'),
    tenderedMinor: PositiveMinor,
    amountMinor: PositiveMinor.optional(),
  }),
]);

const TenderResultSchema = z.object({
  method: z.enum(['CARD', 'CASH']),
  ok: z.boolean(),
  paymentId: z.string().nullable(),
  amountMinor: Minor,
  changeMinor: Minor,
  state: z.string(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
});

export const SaleResultSchema = z.object({
  orderId: z.string(),
  totalMinor: Minor,
  taxes: z.array(z.object({ rateBp: z.number().int(), grossMinor: Minor, taxMinor: Minor, netMinor: Minor })),
  tenders: z.array(TenderResultSchema),
  balanceDueMinor: Minor,
});

const OrderSummarySchema = z.object({
  orderId: z.string(),
  kind: z.enum(['SALE', 'DEPOSIT', 'REMOTE']),
  currency: z.string(),
  totalMinor: Minor.nullable(),
  customerId: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
  businessDay: z.string(),
});

const RefundablePaymentSchema = z.object({
  paymentId: z.string(),
  method: z.enum(['CARD', 'CASH']).nullable(),
  channel: z.string(),
  collectedHere: z.boolean(),
  cardLast4: z.string().nullable(),
  status: z.string(),
  collectedMinor: Minor,
  refundedMinor: Minor,
  refundedElsewhereMinor: Minor,
  refundableMinor: Minor,
});

export const RefundableViewSchema = z.object({
  orderId: z.string(),
  currency: z.string(),
  totalMinor: Minor.nullable(),
  collectedMinor: Minor,
  refundedMinor: Minor,
  refundableMinor: Minor,
  balanceDueMinor: Minor.nullable(),
  offlineCashCapMinor: Minor,
  payments: z.array(RefundablePaymentSchema),
});

const AttemptStateSchema = z.object({ state: z.string(), attemptId: z.string().nullable() });

const RefundMethodSchema = z.enum(['CORE_CARD', 'TERMINAL_CARD', 'CASH']);
const RefundInputSchema = z.object({
  paymentId: z.string().regex(/^\d{19}$/, 'a payment id has 19 digits'),
  amountMinor: PositiveMinor,
  method: RefundMethodSchema,
  reason: Reason,
  operatorId: StaffId,
});

const RefundOutcomeSchema = z.object({
  state: z.enum(['DONE', 'PENDING', 'REJECTED', 'NOT_REFUNDED']),
  requestId: z.string(),
  reference: z.string(),
  orderId: z.string(),
  paymentId: z.string(),
  amountMinor: Minor,
  method: RefundMethodSchema,
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
});

const RefundRequestSchema = z.object({
  requestId: z.string(),
  reference: z.string(),
  orderId: z.string(),
  paymentId: z.string(),
  amountMinor: Minor,
  method: RefundMethodSchema,
  state: z.string(),
});

export const ZReportSchema = z.object({
  reportId: z.string(),
  businessDay: z.string(),
  from: z.string(),
  to: z.string(),
  differences: z.array(
    z.object({
      what: z.string(),
      terminalMinor: z.number().int().nullable(),
      counterMinor: z.number().int(),
      coreMinor: z.number().int().nullable(),
    }),
  ),
  /** The terminal's End-of-Day totals (null in a preview). */
  terminal: z.unknown(),
  /** The counter's own totals, refunds by channel included. */
  counter: z.unknown(),
  /** The core's reconciliation, when it answered. */
  core: z.unknown(),
  deposits: z.object({ count: Minor, depositsMinor: Minor }),
  balancesOwed: z.array(
    z.object({
      orderId: z.string(),
      customer: z.string().nullable(),
      contact: z.string().nullable(),
      balanceDueMinor: Minor,
    }),
  ),
  duplicatesSuppressed: Minor,
  queued: Minor,
  warnings: z.array(z.string()),
});

const StatusSchema = z.object({
  issuer: z.number().int(),
  currency: z.string(),
  online: z.boolean(),
  queued: Minor,
  oldestQueuedAt: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  openExceptions: Minor,
  drawerOpen: z.boolean(),
  drawerExpectedMinor: z.number().int().nullable(),
  unresolvedAttempt: z.object({ attemptId: z.string(), state: z.string(), amountMinor: Minor }).nullable(),
});

const cmd = <I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O) => ({
  summary,
  input,
  output,
});
const Empty = z.object({});

export const HOST_API = {
  commands: {
    status: cmd('Online/offline, queue, drawer and any card payment in doubt.', Empty, StatusSchema),
    'staff.enroll': cmd(
      'Enrolls a cashier or manager with a PIN (a manager authorises, except for the first manager).',
      z.object({
        staffId: StaffId,
        name: z.string().min(1).max(200),
        role: z.enum(['CASHIER', 'MANAGER']),
        pin: Pin,
        manager: Manager.optional(),
      }),
      z.object({ staffId: StaffId, role: z.enum(['CASHIER', 'MANAGER']) }),
    ),
    'staff.verify': cmd(
      'Checks a PIN (counts towards the lockout).',
      z.object({ staffId: StaffId, pin: Pin }),
      z.object({ staffId: StaffId, name: z.string(), role: z.enum(['CASHIER', 'MANAGER']) }),
    ),
    'staff.unlock': cmd(
      'A manager lifts a lockout.',
      z.object({ staffId: StaffId, manager: Manager }),
      z.object({}),
    ),
    'catalogue.import': cmd(
      'Imports a catalogue CSV (sku,barcode,name,price,taxRate).',
      z.object({ csv: z.string().max(5_000_000) }),
      z.object({ imported: Minor }),
    ),
    'catalogue.find': cmd(
      'Finds an item by SKU or barcode.',
      z.object({ code: z.string().min(1).max(64) }),
      z
        .object({
          sku: z.string(),
          barcode: z.string().nullable(),
          name: z.string(),
          priceMinor: Minor,
          taxRateBp: z.number().int(),
        })
        .nullable(),
    ),
    'sale.checkout': cmd(
      'Sells a cart with one or more tenders (card, cash, split).',
      z.object({
        entries: z.array(CartEntryInputSchema).min(1).max(500),
        tenders: z.array(TenderInputSchema).min(1).max(5),
        operatorId: StaffId,
      }),
      SaleResultSchema,
    ),
    'deposit.take': cmd(
      'Takes a deposit (amount or percent) on an order for a customer; by card it keeps the card on file.',
      z.object({
        customer: z.object({ name: z.string().min(1).max(200), contact: z.string().max(200).nullish() }),
        totalMinor: PositiveMinor,
        deposit: z.union([
          z.object({ amountMinor: PositiveMinor }),
          z.object({ percent: z.number().positive().max(100) }),
        ]),
        tender: TenderInputSchema,
        storeCard: z.boolean().default(true),
        operatorId: StaffId,
      }),
      SaleResultSchema,
    ),
    'balance.collect': cmd(
      "Collects what is still due on an order (a deposit's balance), at any counter.",
      z.object({
        orderId: z.string().uuid(),
        tenders: z.array(TenderInputSchema).min(1).max(5),
        operatorId: StaffId,
      }),
      SaleResultSchema,
    ),
    'order.search': cmd(
      'Finds orders by id, payment id, customer, business day or card token.',
      z.object({
        orderId: z.string().optional(),
        paymentId: z.string().optional(),
        customer: z.string().min(1).optional(),
        businessDay: z.iso.date().optional(),
        cardToken: z.string().optional(),
        limit: z.number().int().min(1).max(500).optional(),
      }),
      z.array(OrderSummarySchema),
    ),
    'order.refundable': cmd(
      'What can be refunded, per payment and tender.',
      z.object({ orderId: z.string() }),
      RefundableViewSchema,
    ),
    'payment.void': cmd(
      "Voids today's card payment on the terminal (manager).",
      z.object({ paymentId: z.string(), operatorId: StaffId, manager: Manager }),
      AttemptStateSchema,
    ),
    'attempt.recover': cmd('Recovers a card payment left in doubt.', Empty, AttemptStateSchema),
    'attempt.resolve': cmd(
      'A manager settles a parked card payment from the terminal receipt.',
      z.object({
        attemptId: z.string(),
        charged: z.boolean(),
        receiptNumber: z.string().max(20).optional(),
        manager: Manager,
      }),
      AttemptStateSchema,
    ),
    'drawer.open': cmd(
      'Opens the cash drawer with a float.',
      z.object({ floatMinor: Minor, operatorId: StaffId }),
      z.object({ sessionId: z.string() }),
    ),
    'drawer.move': cmd(
      'Pay in / pay out / safe drop.',
      z.object({
        direction: z.enum(['IN', 'OUT']),
        amountMinor: PositiveMinor,
        kind: z.enum(['PETTY_CASH', 'SAFE_DROP']),
        note: z.string().max(200).optional(),
        operatorId: StaffId,
      }),
      z.object({ expectedMinor: z.number().int() }),
    ),
    'drawer.close': cmd(
      'Counts and closes the drawer; a difference over the limit needs a manager and a reason.',
      z.object({
        countedMinor: Minor,
        operatorId: StaffId,
        reason: z.string().max(200).optional(),
        manager: Manager.optional(),
      }),
      z.object({
        sessionId: z.string(),
        expectedMinor: z.number().int(),
        countedMinor: Minor,
        differenceMinor: z.number().int(),
      }),
    ),
    'refund.request': cmd(
      "A cashier's refund request, for a manager to approve.",
      RefundInputSchema.extend({ operatorPin: Pin }),
      RefundRequestSchema,
    ),
    'refund.approve': cmd(
      "A manager approves a cashier's request (bound to its amount).",
      z.object({ requestId: z.string(), manager: Manager }),
      RefundRequestSchema,
    ),
    'refund.execute': cmd(
      'Refunds (manager PIN or an approved request): to the card through the core, card-present, or cash.',
      RefundInputSchema.extend({ manager: Manager.optional(), requestId: z.string().optional() }),
      RefundOutcomeSchema,
    ),
    'day.close': cmd(
      'End of day: terminal End-of-Day, the Z report.',
      z.object({ operatorId: StaffId }),
      ZReportSchema,
    ),
    'day.preview': cmd("The day's figures so far (an X report; closes nothing).", Empty, ZReportSchema),
  },
  events: {
    terminalStatus: {
      summary: 'What the card terminal shows now (Insert card, Enter PIN…).',
      payload: z.object({
        attemptId: z.string(),
        code: z.number().int(),
        text: z.string(),
        lines: z.array(z.string()),
      }),
    },
    attemptStarted: {
      summary: 'A card command was committed and sent to the terminal.',
      payload: z.object({ attemptId: z.string(), orderId: z.string(), amountMinor: Minor, what: z.string() }),
    },
    attemptFinished: {
      summary: 'A card command ended.',
      payload: z.object({ attemptId: z.string(), orderId: z.string(), state: z.string() }),
    },
    orderChanged: {
      summary: 'An order changed (payment, refund, sync).',
      payload: z.object({ orderId: z.string() }),
    },
    outboxChanged: { summary: 'Something was queued for the core.', payload: z.object({}) },
  },
} as const;

export type HostApi = typeof HOST_API;
export type HostCommandName = keyof HostApi['commands'];
export type HostEventName = keyof HostApi['events'];
export type HostCommandInput<K extends HostCommandName> = z.output<HostApi['commands'][K]['input']>;
/** Readonly all the way down, so use cases' readonly results are answers as they are. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [P in keyof T]: DeepReadonly<T[P]> }
    : T;
export type HostCommandOutput<K extends HostCommandName> = DeepReadonly<
  z.input<HostApi['commands'][K]['output']>
>;
export type HostEventPayload<K extends HostEventName> = z.input<HostApi['events'][K]['payload']>;

/** The error half of every answer: a catalog code as data. */
export interface HostApiError {
  readonly code: z.infer<typeof ErrorCodeSchema>;
  readonly message: string;
}

export type HostAnswer<T> = { ok: true; value: T } | { ok: false; error: HostApiError };
