/**
 * Contracts of the back office's money exceptions (`/backoffice/v1/{merchantId}/exceptions`): money that moved
 * at the acquirer or at a card terminal but that the ledger refused to record (a refund the acquirer carried
 * out after a chargeback took the refundable amount, a counter refund confirmed after its reservation expired
 * while another channel refunded …). A manager settles each one outside the ledger and marks it resolved.
 */
import { z } from 'zod';
import { ChannelSchema, IsoDateTimeSchema, MoneySchema, PaymentIdSchema, UuidSchema } from './schemas';
import { storedText } from './validation';

export const MONEY_EXCEPTION_KINDS = [
  'AUTHORISE',
  'REBILL',
  'CAPTURE',
  'REVERSAL',
  'CANCEL',
  'REFUND',
  'PAYOUT',
  'RELEASE',
] as const;

export const MoneyExceptionsQuerySchema = z.object({
  /** OPEN (not settled yet, the default), RESOLVED, or ALL. */
  state: z.enum(['OPEN', 'RESOLVED', 'ALL']).default('OPEN'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page. */
  cursor: storedText({ max: 300 }).optional(),
});

export const MoneyExceptionSchema = z.object({
  exceptionId: UuidSchema,
  /** ACQUIRER: an online or back-office acquirer call; TERMINAL: a card terminal at the counter. */
  source: z.enum(['ACQUIRER', 'TERMINAL']),
  /** What moved: a refund, payout, capture, void (CANCEL), reversal, rebill, charge or release. */
  kind: z.enum(MONEY_EXCEPTION_KINDS),
  orderId: UuidSchema.nullable(),
  paymentId: PaymentIdSchema.nullable(),
  /** Null for a whole-payment void or release. */
  amount: MoneySchema.nullable(),
  channel: ChannelSchema,
  terminalId: UuidSchema.nullable(),
  /** The acquirer journal row (its id is the reference the acquirer knows the request by). */
  journalId: UuidSchema.nullable(),
  /** The terminal's operation id, for a counter refund. */
  operationId: UuidSchema.nullable(),
  /** Why the ledger refused it: a catalog code and its message. */
  reasonCode: z.string(),
  reason: z.string(),
  occurredAt: IsoDateTimeSchema,
  recordedAt: IsoDateTimeSchema,
  state: z.enum(['OPEN', 'RESOLVED']),
  resolvedAt: IsoDateTimeSchema.nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
});
export type MoneyExceptionView = z.infer<typeof MoneyExceptionSchema>;

export const MoneyExceptionsPageSchema = z.object({
  exceptions: z.array(MoneyExceptionSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const MoneyExceptionResolutionSchema = z.object({
  /** Who settled it (recorded as given). */
  operatorId: storedText({ max: 100 }),
  /** What was done: "refund booked manually", "customer paid back by bank transfer" … */
  resolution: storedText({ max: 1000, multiline: true }),
});
