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

/** A line discount in minor units, off the line's gross (quantity × unit price); tax is on what remains. */
const Discount = Minor.optional();

export const CartEntryInputSchema = z.union([
  z.object({
    sku: z.string().min(1).max(64),
    quantity: z.number().int().positive().default(1),
    discountMinor: Discount,
  }),
  z.object({
    description: z.string().min(1).max(200),
    amountMinor: PositiveMinor,
    taxRateBp: z.number().int().min(0).max(10_000),
    quantity: z.number().int().positive().default(1),
    discountMinor: Discount,
  }),
]);

/**
 * The id of one checkout (a sale, a deposit, a balance collection), minted by the UI before the first send.
 * A retry with the same id (the answer was lost, the cashier pressed again, the app restarted) answers the
 * first checkout's result and never records or charges twice.
 */
const CheckoutId = z.string().uuid().optional();

/** Off the whole basket: an amount, or a percentage in basis points (1000 = 10 %) of its total. */
export const BasketDiscountSchema = z.union([
  z.object({ amountMinor: PositiveMinor }),
  z.object({ percentBp: z.number().int().min(1).max(9_999) }),
]);

/** The open basket, kept by the host so that a crash, a restart or a change of cashier does not lose it. */
export const CartLineSchema = z.object({
  lineId: z.string().min(1).max(64),
  sku: z.string().max(64).nullable(),
  name: z.string().min(1).max(200),
  unitMinor: PositiveMinor,
  quantity: z.number().int().positive().max(9_999),
  taxRateBp: z.number().int().min(0).max(10_000),
  discountMinor: Minor.default(0),
  /** A percentage discount (basis points) kept as one: discountMinor is that percentage of the line. */
  discountBp: z.number().int().min(1).max(9_999).optional(),
});
export const CartSchema = z.object({
  lines: z.array(CartLineSchema).max(500),
  basketDiscount: BasketDiscountSchema.nullable().optional(),
  updatedAt: IsoDateTimeSchema.nullable(),
});

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
  customerName: z.string().nullable().optional(),
  /** OPEN (nothing paid), PARTIALLY_PAID, PAID, REFUNDED (all of it), PARTIALLY_REFUNDED, CANCELLED. */
  status: z.string().optional(),
  balanceDueMinor: Minor.nullable().optional(),
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
  /** Card payments refused at forwarding: tasks still open, and written off (at or below the threshold). */
  collections: z.object({
    open: z.object({ count: Minor, amountMinor: Minor }),
    writtenOff: z.object({ count: Minor, amountMinor: Minor }),
  }),
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
  /** The card terminal's connection as the host last saw it (the status bar's terminal pill). */
  terminal: z
    .object({
      state: z.enum(['READY', 'BUSY', 'DISCONNECTED', 'UNKNOWN']),
      port: z.string().nullable(),
      lastSeenAt: IsoDateTimeSchema.nullable(),
    })
    .optional(),
  /** The card command running now and the terminal's last text, so a UI that reconnects shows it again. */
  currentAttempt: z
    .object({ attemptId: z.string(), amountMinor: Minor, what: z.string(), lastText: z.string().nullable() })
    .nullable()
    .optional(),
  /** Card payments taken offline and not yet with the core, each with the time it must be forwarded by. */
  offlinePayments: z
    .array(
      z.object({
        paymentId: z.string(),
        orderId: z.string(),
        amountMinor: Minor,
        takenAt: IsoDateTimeSchema,
        forwardBy: IsoDateTimeSchema,
      }),
    )
    .optional(),
  businessDay: z.string().optional(),
  /** Whether this counter syncs with a core, and which (never the secret). */
  core: z
    .object({ enrolled: z.boolean(), url: z.string().nullable(), keyId: z.string().nullable() })
    .optional(),
  /**
   * A new counter's set-up: `issuer` false until a manager enrols it with a core (sales are refused with
   * COUNTER_NOT_SET_UP until then), `terminal` false while no terminal port is configured, `manager` false
   * while nobody can sign in as a manager (the sign-in screen then offers to create the first one).
   */
  setUp: z.object({ issuer: z.boolean(), terminal: z.boolean(), manager: z.boolean() }).optional(),
});

const SettingsSchema = z.object({
  terminal: z.object({ serialPath: z.string().nullable(), tcp: z.string().nullable() }),
  core: z.object({
    url: z.string().nullable(),
    /** True when the host syncs with the core now (URL, key id and secret all present). */
    enrolled: z.boolean(),
    terminalId: z.string().nullable(),
    keyId: z.string().nullable().optional(),
    issuer: z.number().int().nullable().optional(),
    /** Where the terminal secret in use comes from; never the secret itself. */
    secretKeptIn: z.enum(['environment', 'file', 'keystore']).nullable().optional(),
  }),
  offline: z.object({
    perPaymentMaxMinor: Minor,
    totalMaxMinor: Minor,
    maxCount: Minor,
    maxAgeHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30),
    /** A card payment refused at forwarding is a collection task above this; at or below, written off. */
    collectAtCounterAboveMinor: Minor,
  }),
  scanner: z.object({
    maxGapMs: z.number().int().min(10).max(1000),
    minLength: z.number().int().min(3).max(64),
  }),
  language: z.enum(['en', 'de']),
  /** Printed at the top of every receipt (store name, address, tax number). */
  receiptHeader: z.array(z.string().max(64)).max(8),
});

const ReceiptSchema = z.object({
  orderId: z.string(),
  createdAt: IsoDateTimeSchema,
  currency: z.string(),
  header: z.array(z.string()),
  /** discountMinor: the line's own discount (its share of a basket discount is in basketDiscountMinor). */
  lines: z.array(
    z.object({ name: z.string(), quantity: z.number().int(), amountMinor: Minor, discountMinor: Minor }),
  ),
  /** A discount on the whole basket (0 without one); the taxes are on what the lines charge after it. */
  basketDiscountMinor: Minor,
  taxes: z.array(z.object({ rateBp: z.number().int(), grossMinor: Minor, taxMinor: Minor, netMinor: Minor })),
  totalMinor: Minor,
  tenders: z.array(
    z.object({
      method: z.enum(['CARD', 'CASH']),
      amountMinor: Minor,
      changeMinor: Minor,
      paymentId: z.string().nullable(),
      cardLast4: z.string().nullable(),
    }),
  ),
  /** Deposit orders: what is still owed and the ids the customer needs to pay it. */
  balanceDueMinor: Minor.nullable(),
  customer: z.string().nullable(),
  /** The terminal's own receipt text (masked card number, AID, trace…), as it printed it. */
  terminalLines: z.array(z.string()),
  /** The same lines per receipt: the terminal's customer copy and merchant copy told apart (ZVT 06 D3). */
  terminalReceipts: z.array(
    z.object({
      type: z.enum(['customer', 'merchant', 'administration', 'unspecified']),
      lines: z.array(z.string()),
    }),
  ),
  footer: z.array(z.string()),
  /** Set when this is a copy (a reprint). */
  copy: z.boolean(),
});

const TimelineEntrySchema = z.object({
  at: IsoDateTimeSchema,
  kind: z.enum(['SALE', 'DEPOSIT', 'BALANCE', 'REFUND', 'VOID', 'CHARGEBACK', 'OTHER']),
  /** Where it happened: this counter, another counter of the store, online, the back office. */
  channel: z.string(),
  method: z.enum(['CARD', 'CASH']).nullable(),
  paymentId: z.string().nullable(),
  amountMinor: Minor,
  status: z.string(),
  /** Still queued here, not yet with the core. */
  queued: z.boolean(),
});

const QueueItemSchema = z.object({
  id: z.string(),
  kind: z.string(),
  orderId: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
  attempts: Minor,
  lastError: z.string().nullable(),
  nextAttemptAt: IsoDateTimeSchema.nullable(),
});

const SyncExceptionSchema = z.object({
  exceptionId: z.string(),
  orderId: z.string().nullable(),
  kind: z.string(),
  code: z.string(),
  message: z.string(),
  createdAt: IsoDateTimeSchema,
  resolvedAt: IsoDateTimeSchema.nullable(),
  resolution: z.string().nullable(),
});

const CatalogueItemSchema = z.object({
  sku: z.string(),
  barcode: z.string().nullable(),
  name: z.string(),
  priceMinor: Minor,
  taxRateBp: z.number().int(),
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
    'catalogue.search': cmd(
      'Items whose name contains the query or whose SKU or barcode starts with it, as the cashier types.',
      z.object({
        query: z.string().trim().min(1, 'type at least one character').max(64),
        limit: z.number().int().min(1).max(50).default(8),
      }),
      z.array(CatalogueItemSchema),
    ),
    'catalogue.find': cmd(
      'Finds an item by SKU or barcode.',
      z.object({ code: z.string().min(1).max(64) }),
      CatalogueItemSchema.nullable(),
    ),
    'sale.checkout': cmd(
      'Sells a cart with one or more tenders (card, cash, split).',
      z.object({
        entries: z.array(CartEntryInputSchema).min(1).max(500),
        tenders: z.array(TenderInputSchema).min(1).max(5),
        operatorId: StaffId,
        checkoutId: CheckoutId,
        /** Off the whole basket, spread over the lines for tax by the host. */
        basketDiscount: BasketDiscountSchema.optional(),
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
        checkoutId: CheckoutId,
      }),
      SaleResultSchema,
    ),
    'balance.collect': cmd(
      "Collects what is still due on an order (a deposit's balance), at any counter.",
      z.object({
        orderId: z.string().uuid(),
        tenders: z.array(TenderInputSchema).min(1).max(5),
        operatorId: StaffId,
        checkoutId: CheckoutId,
        /** A deposit paid again after a declined card: keep this card on file, as the deposit would have. */
        storeCard: z.boolean().optional(),
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
    'staff.list': cmd(
      'The staff who can sign in at this counter (no PINs), for the sign-in screen.',
      Empty,
      z.array(
        z.object({
          staffId: StaffId,
          name: z.string(),
          role: z.enum(['CASHIER', 'MANAGER']),
          locked: z.boolean(),
        }),
      ),
    ),
    'cart.get': cmd('The open basket as the host keeps it (empty when there is none).', Empty, CartSchema),
    'cart.put': cmd(
      'Replaces the open basket (the UI sends it after every change); a checkout clears it.',
      z.object({
        lines: z.array(CartLineSchema).max(500),
        basketDiscount: BasketDiscountSchema.nullable().optional(),
      }),
      CartSchema,
    ),
    'payment.cancel': cmd(
      'Asks the terminal to abort the card command running now (ZVT Abort). The outcome still comes from the ' +
        'terminal (attemptFinished): a card the terminal already charged stays charged.',
      Empty,
      z.object({ requested: z.boolean(), attemptId: z.string().nullable() }),
    ),
    'card.read': cmd(
      'Asks the customer to present their card (ZVT Read Card) and answers its token, to find orders paid with it.',
      z.object({ timeoutSeconds: z.number().int().min(5).max(120).default(30) }),
      z.object({ cardToken: z.string(), maskedPan: z.string().nullable() }),
    ),
    'order.timeline': cmd(
      "An order's whole chain across channels: deposit in store, balance online, refunds anywhere.",
      z.object({ orderId: z.string() }),
      z.object({
        order: OrderSummarySchema,
        customer: z.object({ name: z.string(), contact: z.string().nullable() }).nullable(),
        entries: z.array(TimelineEntrySchema),
        collectedMinor: Minor,
        refundedMinor: Minor,
        balanceDueMinor: Minor.nullable(),
        refundableMinor: Minor,
      }),
    ),
    'receipt.get': cmd(
      "An order's receipt (the store's header, items, tenders, the terminal's lines); a reprint is audited.",
      z.object({ orderId: z.string(), reprint: z.boolean().default(false), operatorId: StaffId.optional() }),
      ReceiptSchema,
    ),
    'queue.list': cmd(
      'What waits for the core, oldest first, with attempts and last error.',
      Empty,
      z.array(QueueItemSchema),
    ),
    'sync.now': cmd(
      'Syncs now (push the queue, pull the change feed) instead of waiting for the next round.',
      Empty,
      z.object({
        online: z.boolean(),
        pushed: Minor,
        pulled: Minor,
        queued: Minor,
        error: z.string().nullable(),
      }),
    ),
    'exceptions.list': cmd(
      'Messages the core refused for good, for a manager to resolve (open ones first).',
      z.object({ includeResolved: z.boolean().default(false) }),
      z.array(SyncExceptionSchema),
    ),
    'exception.resolve': cmd(
      'A manager resolves a refused message: ACKNOWLEDGE (reviewed, nothing to send) or RESEND (recorded again ' +
        'as a new fact, after review).',
      z.object({
        exceptionId: z.string(),
        action: z.enum(['ACKNOWLEDGE', 'RESEND']),
        note: Reason,
        manager: Manager,
      }),
      SyncExceptionSchema,
    ),
    'reconcile.run': cmd(
      "Compares this counter's orders with the core's and says what differs and what was done about it.",
      z.object({ businessDay: z.iso.date().optional() }),
      z.object({
        checkedAt: IsoDateTimeSchema,
        checked: Minor,
        differences: z.array(
          z.object({ orderId: z.string(), counter: z.string(), core: z.string(), action: z.string() }),
        ),
        error: z.string().nullable(),
      }),
    ),
    'settings.get': cmd('The counter settings the settings screen shows.', Empty, SettingsSchema),
    'settings.put': cmd(
      'Changes counter settings (a manager); only the parts given change.',
      z.object({
        terminal: SettingsSchema.shape.terminal.partial().optional(),
        core: z.object({ url: z.string().url().nullable() }).optional(),
        offline: SettingsSchema.shape.offline.partial().optional(),
        scanner: SettingsSchema.shape.scanner.partial().optional(),
        language: SettingsSchema.shape.language.optional(),
        receiptHeader: SettingsSchema.shape.receiptHeader.optional(),
        manager: Manager,
      }),
      SettingsSchema,
    ),
    'core.enrol': cmd(
      'Enrols this counter with a core (a manager): checks the URL, key id, secret and issuer that ' +
        '`npm run core -- enroll-terminal` printed with a signed request first, and saves nothing when the core ' +
        'does not confirm them. Re-enrolling while messages are queued asks for confirmQueued first.',
      z.object({
        coreUrl: z.string().trim().url('give the core address, e.g. https://pay.example.com').max(500),
        keyId: z.string().trim().min(1, 'give the key id').max(200),
        secret: z.string().trim().min(8, 'give the whole secret').max(500),
        issuer: z.number().int().min(1000).max(999_999),
        confirmQueued: z.boolean().default(false),
        manager: Manager,
      }),
      z.object({
        /** False only when the queue asks for confirmation first (verified, nothing saved yet). */
        saved: z.boolean(),
        queued: z
          .object({
            count: Minor,
            kinds: z.array(z.object({ kind: z.string(), count: Minor })),
            oldestAt: z.string().nullable(),
            coreUrl: z.string().nullable(),
          })
          .nullable(),
        terminalId: z.string(),
        storeId: z.string(),
        issuer: z.number().int(),
        secretKeptIn: z.enum(['file', 'keystore']),
        /** COUNTER_TERMINAL_SECRET is set for this host: it replaces the saved secret at the next start. */
        environmentOverrides: z.boolean(),
      }),
    ),
    'terminal.ports': cmd(
      'Serial ports on this machine, for the settings screen.',
      Empty,
      z.array(z.object({ path: z.string(), manufacturer: z.string().nullable() })),
    ),
    'terminal.test': cmd(
      'Talks to the configured card terminal (Status Enquiry) and says what it answered.',
      Empty,
      z.object({ ok: z.boolean(), message: z.string() }),
    ),
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
    statusChanged: {
      summary:
        'Online/offline, the queue, the terminal connection or an exception changed: read status again.',
      payload: z.object({}),
    },
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
