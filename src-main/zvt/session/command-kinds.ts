/**
 * The commands the session runs, as typed kinds. Behaviour hangs on the kind, never on the display name
 * (which appears only in messages): whether a command goes through goods issue, whether its receipt number
 * becomes the terminal's last booked receipt, and whether a completion without a Status-Information can
 * count as done.
 */
export type TransactionKind =
  | 'authorization'
  | 'pre-authorisation'
  | 'book-total'
  | 'partial-reversal'
  | 'pre-auth-reversal'
  | 'reversal'
  | 'refund'
  | 'end-of-day';

export type AdminKind =
  | 'registration'
  | 'log-off'
  | 'abort'
  | 'repeat-receipt'
  | 'status-enquiry'
  | 'diagnosis'
  | 'read-card'
  | 'recovery';

export type CommandKind = TransactionKind | AdminKind;

export interface TransactionTraits {
  /** Its approved 04 0F may be answered "retry later / partial / failed" (vending, P15 §2.2.6). */
  readonly goodsIssue: boolean;
  /** Its receipt number becomes the last booked receipt (End-of-Day books nothing, P15 §2.16). */
  readonly booksReceipt: boolean;
  /** A completion without any Status-Information says nothing about the money: the outcome is unknown. */
  readonly needsStatusInformation: boolean;
  /** After a line failure, recovery may decide the outcome; End-of-Day can simply be run again. */
  readonly recoverable: boolean;
  /** The customer presents a card (and maybe a PIN) after the terminal accepted the command. */
  readonly customerFacing: boolean;
}

const MONEY: TransactionTraits = {
  goodsIssue: false,
  booksReceipt: true,
  needsStatusInformation: true,
  recoverable: true,
  customerFacing: true,
};

export const TRANSACTION_TRAITS: Readonly<Record<TransactionKind, TransactionTraits>> = {
  authorization: { ...MONEY, goodsIssue: true },
  'pre-authorisation': MONEY,
  'book-total': MONEY,
  'partial-reversal': MONEY,
  'pre-auth-reversal': MONEY,
  reversal: MONEY,
  refund: MONEY,
  'end-of-day': {
    goodsIssue: false,
    booksReceipt: false,
    needsStatusInformation: false,
    recoverable: false,
    customerFacing: false,
  },
};

/** The spec's name of each command, for messages ("The card terminal refused Authorization …"). */
export const COMMAND_NAMES: Readonly<Record<CommandKind, string>> = {
  authorization: 'Authorization',
  'pre-authorisation': 'Pre-Authorisation',
  'book-total': 'Book Total',
  'partial-reversal': 'Partial Reversal',
  'pre-auth-reversal': 'Pre-Auth Reversal',
  reversal: 'Reversal',
  refund: 'Refund',
  'end-of-day': 'End-of-Day',
  registration: 'Registration',
  'log-off': 'Log-Off',
  abort: 'Abort',
  'repeat-receipt': 'Repeat Receipt',
  'status-enquiry': 'Status Enquiry',
  diagnosis: 'Diagnosis',
  'read-card': 'Read Card',
  recovery: 'Recovery',
};
