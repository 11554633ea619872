/**
 * The terminal ↔ core sync protocol (architecture.md "Sync", issue 3 "Terminal sync API"), written once here so
 * the terminal app and the core validate the same contract.
 *
 * - Push (`POST /sync/v1/push`): an ordered batch of outbox messages. The core applies each message in one
 *   transaction, idempotent on `messageId`, and answers each one `accepted | duplicate | rejected{code}`.
 *   A rejected message does not stop the batch: later messages are applied unless they depend on it (they
 *   name an order or payment that a rejected message of the same batch would have created); those are
 *   rejected with `SYNC_DEPENDS_ON_REJECTED`, naming the message they depend on.
 * - Pull (`GET /sync/v1/changes?after=N`): the store's change feed after position N: every operation on the
 *   store's orders made by anyone but the pulling terminal (online, back office, other terminals), plus the
 *   current balances of the orders concerned. The cursor is the feed position; positions are dense and
 *   become visible in order, so a reader never skips a row that commits late.
 * - Refund reservations (`/sync/v1/reservations`): reserve an amount on an order before a card-present
 *   refund (holds the order's refund lock until confirmed, released or expired), then confirm with what the
 *   terminal refunded, or release.
 * - Order state (`GET /sync/v1/orders/{orderId}`, `GET /sync/v1/payments/{paymentId}/order`): one order of
 *   the terminal's store as the core's ledger has it — payments, operations of every channel, balances,
 *   refunds by channel — for reconciliation and refund screens, with the terminal's own key.
 *
 * Ids are minted on the terminal where the fact happens: message, order, operation and reservation ids are
 * UUIDv7s; payment ids are the terminal's 19-digit ids (its own issuer number).
 */
import { z } from 'zod';
import {
  ChannelSchema,
  CurrencyCodeSchema,
  ErrorCodeSchema,
  IsoDateTimeSchema,
  MoneySchema,
  OperationSchema,
  OrderBalancesSchema,
  PaymentBalancesSchema,
  PaymentIdSchema,
  PaymentStatusSchema,
  PositiveMoneySchema,
  UuidSchema,
} from './schemas';
import { storedText } from './validation';
import { OperationKindSchema, OrderStatusSchema } from './backoffice-api';

/**
 * The v1HMAC scheme signs method, content type, date, X-GCS-* headers and path, but not the body. The sync API
 * is ours on both ends, so a terminal also sends the base64 SHA-256 of the exact body bytes in this header:
 * being an X-GCS-* header it is covered by the signature, and the core refuses a body that does not match it
 * (a one-digit change in transit would otherwise pass under the original signature).
 */
export const SYNC_BODY_DIGEST_HEADER = 'X-GCS-Content-SHA256';

/** The most messages one push may carry; the terminal sends the rest in the next batch. */
export const MAX_PUSH_BATCH = 200;
/** The most changes one pull returns. */
export const MAX_PULL_LIMIT = 500;
/** The longest a pull may wait for changes; below the 60 s idle time-out of common proxies. */
export const MAX_PULL_WAIT_SECONDS = 30;
export const DEFAULT_RESERVATION_TTL_SECONDS = 120;
export const MAX_RESERVATION_TTL_SECONDS = 900;

const OperatorIdSchema = storedText({ max: 100 });
const ReferenceSchema = storedText({ max: 100 });
/** A receipt or trace number of the card terminal. */
const TerminalReferenceSchema = storedText({ max: 40 });

/** What every message carries: who minted it, in which outbox order, and when it happened on the terminal. */
const envelope = {
  messageId: UuidSchema,
  /** The terminal's outbox sequence; strictly increasing within a batch. */
  seq: z.number().int().nonnegative(),
  /** Wall-clock time on the terminal when it happened. */
  occurredAt: IsoDateTimeSchema,
  /**
   * Set by a counter that imported another counter's rescue file: the issuer number of the counter that
   * recorded the fact. The core applies the message as that counter's own (a counter of the same merchant and
   * store only, revoked or not): a message it had pushed before it broke is answered `duplicate`, its payment
   * ids are accepted, and the facts stay attributed to it (its end of day, not the importer's).
   */
  rescuedFrom: z.object({ issuer: z.number().int().min(1000).max(999_999) }).nullish(),
};

/**
 * Card facts the terminal reports (ZVT: masked PAN, card type, card token). Never a card number: only the
 * first six and last four digits, and the terminal's card token that the acquirer also knows.
 */
export const TerminalCardSchema = z.object({
  brand: storedText({ max: 20 }),
  bin: z
    .string()
    .regex(/^\d{6}$/, 'bin is the first six digits')
    .nullish(),
  last4: z.string().regex(/^\d{4}$/, 'last4 is the last four digits'),
  /** MMYY */
  expiry: z
    .string()
    .regex(/^(0[1-9]|1[0-2])\d{2}$/, 'expiry is MMYY')
    .nullish(),
  /** The card token the terminal reported (TLV); lets the order be charged online later. */
  token: storedText({ max: 64 }).nullish(),
});

export const OrderCreatedMessageSchema = z.object({
  ...envelope,
  kind: z.literal('ORDER_CREATED'),
  orderId: UuidSchema,
  currency: CurrencyCodeSchema,
  /** What the order is worth (a deposit pays part of it now); null for an order that grows with each payment. */
  total: PositiveMoneySchema.nullable(),
  customerRef: storedText({ max: 100 }).nullish(),
  merchantReference: ReferenceSchema.nullish(),
  operatorId: OperatorIdSchema.nullish(),
});

const PaymentResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('SALE'), amount: PositiveMoneySchema }),
  z.object({
    kind: z.literal('AUTHORISATION'),
    mode: z.enum(['PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION']),
    amount: PositiveMoneySchema,
  }),
  z.object({ kind: z.literal('DECLINE'), amount: PositiveMoneySchema, reason: ErrorCodeSchema }),
]);

export const PaymentRecordedMessageSchema = z
  .object({
    ...envelope,
    kind: z.literal('PAYMENT_RECORDED'),
    orderId: UuidSchema,
    /** The terminal's 19-digit id, minted with its own issuer number. */
    paymentId: PaymentIdSchema,
    /** The id of the payment's opening operation. */
    operationId: UuidSchema,
    method: z.enum(['CARD', 'CASH']),
    result: PaymentResultSchema,
    card: TerminalCardSchema.nullish(),
    /**
     * The customer agreed to keep the card on file: the card token becomes one of the customer's stored
     * cards (a contract the back office lists and can deactivate). Needs the order's customerRef.
     */
    storeCard: z.boolean().optional(),
    authorisationCode: storedText({ max: 20 }).nullish(),
    /** Receipt or trace number of the terminal, for finding the payment from the paper receipt. */
    terminalReference: TerminalReferenceSchema.nullish(),
    operatorId: OperatorIdSchema.nullish(),
  })
  .superRefine((m, ctx) => {
    if (m.method === 'CARD' && !m.card) {
      ctx.addIssue({ code: 'custom', path: ['card'], message: 'a card payment needs the card facts' });
    }
    if (m.method === 'CASH' && m.card) {
      ctx.addIssue({ code: 'custom', path: ['card'], message: 'a cash payment has no card' });
    }
    if (m.storeCard && !m.card?.token) {
      ctx.addIssue({ code: 'custom', path: ['storeCard'], message: 'storing a card needs its token' });
    }
  });

const onPayment = {
  ...envelope,
  paymentId: PaymentIdSchema,
  /** The operation's UUIDv7 minted on the terminal (a resend with a new message id is still one operation). */
  operationId: UuidSchema,
  operatorId: OperatorIdSchema.nullish(),
};

export const CaptureMessageSchema = z.object({
  ...onPayment,
  kind: z.literal('CAPTURE'),
  amount: PositiveMoneySchema,
  isFinal: z.boolean(),
});

export const AuthorisationReversalMessageSchema = z.object({
  ...onPayment,
  kind: z.literal('AUTHORISATION_REVERSAL'),
  amount: PositiveMoneySchema,
});

/** A void at the counter (ZVT Reversal 06 30): cancels the whole payment. */
export const VoidMessageSchema = z.object({ ...onPayment, kind: z.literal('VOID') });

/**
 * A refund done at the counter. With `reservationId` it confirms a card-present refund reserved before
 * (the money moved on the card terminal). Without it, it is a refund claim (cash from the drawer, or a
 * refund queued offline): accepted only if the order's refund lock is free and the amount is refundable,
 * and the counter pays out only after it is accepted.
 */
export const RefundMessageSchema = z.object({
  ...onPayment,
  kind: z.literal('REFUND'),
  amount: PositiveMoneySchema,
  method: z.enum(['CARD', 'CASH']),
  reservationId: UuidSchema.nullish(),
  terminalReference: TerminalReferenceSchema.nullish(),
});

/** Cash put into or taken out of the drawer that is not a sale or refund (float, safe drop, petty cash). */
export const CashMovementMessageSchema = z.object({
  ...envelope,
  kind: z.literal('CASH_MOVEMENT'),
  direction: z.enum(['IN', 'OUT']),
  reason: z.enum(['FLOAT', 'SAFE_DROP', 'PETTY_CASH', 'CORRECTION']),
  amount: PositiveMoneySchema,
  note: storedText({ max: 200, min: 0, multiline: true }).nullish(),
  operatorId: OperatorIdSchema.nullish(),
});

export const EndOfDayTotalsSchema = z.object({
  currency: CurrencyCodeSchema,
  method: z.enum(['CARD', 'CASH']),
  /** Sales and captures, in minor units (before voids and refunds). */
  salesMinor: z.number().int().nonnegative(),
  /** What voids took back. */
  voidsMinor: z.number().int().nonnegative(),
  refundsMinor: z.number().int().nonnegative(),
  /** Payments that opened successfully (sales and authorisations). */
  paymentCount: z.number().int().nonnegative(),
});

/** The day's closing (ZVT End-of-Day): the terminal's totals since its previous closing. */
export const EndOfDayMessageSchema = z.object({
  ...envelope,
  kind: z.literal('END_OF_DAY'),
  /** The business day closed, YYYY-MM-DD. */
  businessDay: z.iso.date(),
  totals: z.array(EndOfDayTotalsSchema).max(20),
  terminalReference: TerminalReferenceSchema.nullish(),
  operatorId: OperatorIdSchema.nullish(),
});

export const SyncMessageSchema = z.discriminatedUnion('kind', [
  OrderCreatedMessageSchema,
  PaymentRecordedMessageSchema,
  CaptureMessageSchema,
  AuthorisationReversalMessageSchema,
  VoidMessageSchema,
  RefundMessageSchema,
  CashMovementMessageSchema,
  EndOfDayMessageSchema,
]);

export type SyncMessage = z.infer<typeof SyncMessageSchema>;
export type SyncMessageKind = SyncMessage['kind'];
export const SYNC_MESSAGE_KINDS = SyncMessageSchema.options.map((o) => o.shape.kind.value);

/**
 * The batch as the terminal sends it. The core reads `messages` as a list of unknown items and validates each
 * one on its own, so one malformed message is answered `rejected{SYNC_MESSAGE_INVALID}` without failing the rest.
 */
export const SyncPushRequestSchema = z.object({
  messages: z.array(SyncMessageSchema).min(1).max(MAX_PUSH_BATCH),
});

/** What the core read: the envelope only, so each message is judged separately. */
export const SyncPushEnvelopeSchema = z.object({
  messages: z.array(z.unknown()).min(1).max(MAX_PUSH_BATCH),
});

export const EndOfDayReconciliationSchema = z.object({
  currency: CurrencyCodeSchema,
  method: z.enum(['CARD', 'CASH']),
  terminal: EndOfDayTotalsSchema.omit({ currency: true, method: true }),
  core: EndOfDayTotalsSchema.omit({ currency: true, method: true }),
  matches: z.boolean(),
});

/** What an accepted message produced, for the terminal to store (feed position, ledger numbers). */
export const AcceptedDetailsSchema = z.object({
  orderId: UuidSchema.nullish(),
  paymentId: PaymentIdSchema.nullish(),
  operationId: UuidSchema.nullish(),
  /** The store feed position of the operation recorded, when the order belongs to a store. */
  feedPosition: z.number().int().positive().nullish(),
  /** The order's refundable amount right after the message was applied. */
  refundable: MoneySchema.nullish(),
  /** For a confirmed reservation: whether the reservation still held the order's refund lock. */
  reservationWasHeld: z.boolean().nullish(),
  /** For END_OF_DAY: the terminal's totals beside the core's, per currency and method. */
  reconciliation: z.array(EndOfDayReconciliationSchema).nullish(),
});

export const SyncPushResultSchema = z.discriminatedUnion('status', [
  z.object({ messageId: z.string(), status: z.literal('accepted'), details: AcceptedDetailsSchema }),
  /** Seen before and accepted then: nothing new was written; `details` is the first answer's. */
  z.object({ messageId: z.string(), status: z.literal('duplicate'), details: AcceptedDetailsSchema }),
  z.object({
    messageId: z.string(),
    status: z.literal('rejected'),
    code: ErrorCodeSchema,
    message: z.string(),
    /** True: nothing was recorded for this message id; send it again later (e.g. the order was locked). */
    retryable: z.boolean(),
    /** For SYNC_DEPENDS_ON_REJECTED: the message of this batch it depends on. */
    dependsOn: z.string().nullish(),
  }),
]);

export const SyncPushResponseSchema = z.object({ results: z.array(SyncPushResultSchema) });

/** Answers as they travel (what the core builds); parse with the schemas to get branded ids. */
export type SyncPushResult = z.input<typeof SyncPushResultSchema>;
export type SyncPushResponse = z.input<typeof SyncPushResponseSchema>;
export type AcceptedDetails = z.input<typeof AcceptedDetailsSchema>;

// ── Pull ─────────────────────────────────────────────────────────────────────────────────────────

export const SyncPullQuerySchema = z.object({
  /** The last feed position the terminal has applied; 0 to start. */
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(100),
  /**
   * Long poll: with nothing after the cursor, the core holds the answer up to this many seconds and answers
   * as soon as the store's feed moves (within about a second of an online refund). 0 (default) answers at once.
   */
  waitSeconds: z.coerce.number().int().min(0).max(MAX_PULL_WAIT_SECONDS).default(0),
});

export const FeedChangeSchema = z.object({
  position: z.number().int().positive(),
  orderId: UuidSchema,
  /** The operation's number within its order; apply changes of one order in this order. */
  orderSeq: z.number().int().positive(),
  paymentSeq: z.number().int().nonnegative(),
  operation: OperationSchema,
  /** The terminal that made it, if any (another terminal of the store). */
  terminalId: UuidSchema.nullable(),
  operatorId: z.string().nullable(),
  merchantReference: z.string().nullable(),
  recordedAt: IsoDateTimeSchema,
});

/** The current state of an order that appears in the page, so the counter shows the true refundable amount. */
export const FeedOrderSchema = z.object({
  orderId: UuidSchema,
  currency: CurrencyCodeSchema,
  total: MoneySchema.nullable(),
  operationCount: z.number().int().nonnegative(),
  balances: OrderBalancesSchema,
  payments: z.array(
    z.object({
      paymentId: PaymentIdSchema,
      channel: ChannelSchema,
      status: PaymentStatusSchema,
      collected: MoneySchema,
      refundable: MoneySchema,
    }),
  ),
  /** The order's refund lock, when someone holds it now (a refund in flight elsewhere). */
  refundLockedUntil: IsoDateTimeSchema.nullable(),
});

export const SyncPullResponseSchema = z.object({
  storeId: UuidSchema,
  after: z.number().int().nonnegative(),
  /** Pass as `after` next time: the last position this page covered (own changes included, filtered out). */
  nextCursor: z.number().int().nonnegative(),
  /** The store's latest position when the page was read. */
  head: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  changes: z.array(FeedChangeSchema),
  orders: z.array(FeedOrderSchema),
});

export type SyncPullResponse = z.input<typeof SyncPullResponseSchema>;

// ── Refund reservations ──────────────────────────────────────────────────────────────────────────

export const ReservationStateSchema = z.enum(['HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED']);

export const ReserveRefundRequestSchema = z.object({
  /** Minted on the terminal: a retry with the same id returns the same reservation. */
  reservationId: UuidSchema,
  paymentId: PaymentIdSchema,
  amount: PositiveMoneySchema,
  /** How long the counter has to refund on the card terminal and confirm. */
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_RESERVATION_TTL_SECONDS)
    .default(DEFAULT_RESERVATION_TTL_SECONDS),
});

export const ReservationSchema = z.object({
  reservationId: UuidSchema,
  orderId: UuidSchema,
  paymentId: PaymentIdSchema,
  amount: MoneySchema,
  state: ReservationStateSchema,
  createdAt: IsoDateTimeSchema,
  expiresAt: IsoDateTimeSchema,
  /** The refund recorded when it was confirmed. */
  operationId: UuidSchema.nullable(),
  /** The payment's refundable amount now (with this reservation still counted as not refunded). */
  refundable: MoneySchema,
});

export const ConfirmReservationRequestSchema = z.object({
  /** The refund operation's UUIDv7 minted on the terminal; a retry with the same id is a duplicate. */
  operationId: UuidSchema,
  /** What the card terminal actually refunded: at most the reserved amount. */
  amount: PositiveMoneySchema,
  occurredAt: IsoDateTimeSchema,
  terminalReference: TerminalReferenceSchema.nullish(),
  operatorId: OperatorIdSchema.nullish(),
});

export const ConfirmReservationResponseSchema = z.object({
  reservation: ReservationSchema,
  /** False when the reservation had expired before the confirmation (recorded anyway: the money moved). */
  reservationWasHeld: z.boolean(),
  duplicate: z.boolean(),
});

export type ReserveRefundRequest = z.input<typeof ReserveRefundRequestSchema>;
export type Reservation = z.input<typeof ReservationSchema>;

// ── Order state ──────────────────────────────────────────────────────────────────────────────────

/**
 * One operation of an order as a terminal sees it: the back office's operation view without the token id
 * (a merchant's contract reference, of no use to a counter).
 */
export const SyncOrderOperationSchema = z.object({
  operationId: UuidSchema,
  paymentId: PaymentIdSchema,
  orderSeq: z.number().int().positive(),
  paymentSeq: z.number().int().nonnegative(),
  kind: OperationKindSchema,
  amount: MoneySchema.nullable(),
  mode: z.enum(['PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION']).nullable(),
  isFinal: z.boolean().nullable(),
  reason: z.string().nullable(),
  /** Where it was made: a refund online, in the back office or at a counter. */
  channel: ChannelSchema,
  /** The terminal that made it (this one or another counter of the store), null for online and back office. */
  terminalId: UuidSchema.nullable(),
  operatorId: z.string().nullable(),
  merchantReference: z.string().nullable(),
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
});

/** A payment of the order: its channel, card (brand and last four only), balances and operations. */
export const SyncOrderPaymentSchema = z.object({
  paymentId: PaymentIdSchema,
  role: z.enum(['INITIAL', 'SUBSEQUENT', 'DECLINED', 'UNKNOWN']),
  channel: ChannelSchema,
  terminalId: UuidSchema.nullable(),
  /** RECORDED, or UNKNOWN while the acquirer has not said what happened. */
  outcome: z.enum(['RECORDED', 'UNKNOWN']),
  card: z.object({ brand: z.string(), last4: z.string() }).nullable(),
  cardOnFile: z.enum(['first', 'subsequent']).nullable(),
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
  /** Null while the outcome is unknown (no operation yet). */
  balances: PaymentBalancesSchema.nullable(),
  operations: z.array(SyncOrderOperationSchema),
});

/** What was given back on the order, per channel (refunds and payouts; chargebacks are the acquirer's). */
export const RefundsByChannelSchema = z.object({
  channel: ChannelSchema,
  refunded: MoneySchema,
  paidOut: MoneySchema,
});

/**
 * The state of one order of the terminal's store: the same facts and balances the back office shows
 * (`GET /backoffice/v1/{merchantId}/orders/{orderId}`), read with the terminal's key.
 */
export const SyncOrderStateSchema = z.object({
  orderId: UuidSchema,
  storeId: UuidSchema,
  status: OrderStatusSchema,
  /** Where the order was created, and by which terminal. */
  channel: ChannelSchema,
  terminalId: UuidSchema.nullable(),
  customerRef: z.string().nullable(),
  merchantReference: z.string().nullable(),
  currency: CurrencyCodeSchema,
  total: MoneySchema.nullable(),
  operationCount: z.number().int().nonnegative(),
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
  initialPaymentId: PaymentIdSchema.nullable(),
  balances: OrderBalancesSchema,
  payments: z.array(SyncOrderPaymentSchema),
  /** One line per channel that gave money back, in channel order. */
  refundsByChannel: z.array(RefundsByChannelSchema),
  /** Until when a refund elsewhere holds the order's refund lock (a refund now would be refused), if one does. */
  refundLockedUntil: IsoDateTimeSchema.nullable(),
});

export const SyncOrderParamsSchema = z.object({ orderId: UuidSchema });
export const SyncPaymentOrderParamsSchema = z.object({ paymentId: PaymentIdSchema });

export type SyncOrderState = z.input<typeof SyncOrderStateSchema>;
