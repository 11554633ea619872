/**
 * Read Card (06 C0, P15 §2.21): the PT reads a card without a payment and answers with a Status-Information
 * that hands master rights back (no completion), or an Abort 06 1E. Counter uses it to find the orders a
 * presented card paid (issue 9, manager refunds): the token is what matters; the PAN arrives masked.
 */
import { domainError } from '../../../src-shared';
import { hexByte } from '../codec/bytes';
import { resultCodeText } from '../codec/tables/result-codes';
import { COMMAND_NAMES } from './command-kinds';
import { readCard } from './commands';
import { detailsFromFields } from './details';
import { linkError, refusedError } from './errors';
import type { ExchangeResult } from './exchange';
import type { OutcomeContext } from './outcome';
import { abortedError } from './outcome';
import type { ExchangeExtra } from './line';
import type { CardRead, ReadCardOptions, ReadCardOutcome, SessionTimers, TransactionDetails } from './types';

export const DEFAULT_READ_CARD_TIMEOUT_S = 30;
const NAME = COMMAND_NAMES['read-card'];

/**
 * The command and its timers. The card timeout replaces T3 (reference §3): the session waits the timeout
 * plus T3 for the answer, then aborts the read itself (06 B0), and gives the terminal another T3 to end it.
 */
export function readCardPlan(
  timeoutSeconds: number,
  opts: ReadCardOptions,
  timers: SessionTimers,
): { command: Uint8Array; extra: ExchangeExtra; deadlineMs: number } {
  const deadlineMs = timeoutSeconds * 1000 + timers.t3Ms;
  return {
    command: readCard({ timeoutSeconds, cardType: opts.cardTypeByte, dialogControl: opts.dialogControl }),
    extra: {
      endsWithStatusInformation: true,
      customerFacing: true,
      t3Ms: deadlineMs,
      t4Ms: deadlineMs + timers.t3Ms,
    },
    deadlineMs,
  };
}

export function cardReadFrom(d: TransactionDetails): CardRead {
  const digits = d.maskedPan?.replace(/\D/g, '') ?? '';
  const card: CardRead = {
    token: d.cardToken,
    maskedPan: d.maskedPan,
    last4: digits.length >= 4 ? digits.slice(-4) : undefined,
    cardType: d.cardType,
    cardName: d.cardName,
    // BMP 0E is YYMM (P15 §13); shown the way cards print it.
    expiry: d.expiry && d.expiry.length === 4 ? `${d.expiry.slice(2)}/${d.expiry.slice(0, 2)}` : undefined,
    technology: d.cardTechnology,
    emvAid: d.emvAid,
  };
  return Object.fromEntries(Object.entries(card).filter(([, v]) => v !== undefined)) as CardRead;
}

export interface ReadCardRun {
  readonly timeoutSeconds: number;
  /** How long the command ran, to tell the terminal's timeout from a customer's abort. */
  readonly elapsedMs: number;
  /** The session sent 06 B0 because its own deadline passed (the terminal never timed out by itself). */
  readonly abortedAtDeadline: boolean;
}

function notRead(resultCode: number, run: ReadCardRun, abortRequested: boolean): ReadCardOutcome {
  const reason = resultCodeText(resultCode);
  if (resultCode !== 0x6c) {
    return {
      kind: 'not-read',
      resultCode,
      reason,
      error: domainError('TERMINAL_CARD_NOT_READ', { reason: reason.en, resultCode: hexByte(resultCode) }),
    };
  }
  // 6C is "abort via timeout or abort key": when it comes at the end of the timeout (or after our own
  // deadline abort) nobody presented a card; earlier, someone pressed abort [inference: P15 gives one code].
  const timedOut =
    run.abortedAtDeadline || (!abortRequested && run.elapsedMs >= run.timeoutSeconds * 1000 - 500);
  if (timedOut) {
    return {
      kind: 'no-card',
      resultCode,
      reason,
      error: domainError('TERMINAL_NO_CARD', { seconds: run.timeoutSeconds }),
    };
  }
  return {
    kind: 'aborted',
    by: abortRequested ? 'ecr' : 'customer-or-terminal',
    resultCode,
    reason,
    error: abortedError(NAME, resultCode),
  };
}

export function readCardOutcome(r: ExchangeResult, run: ReadCardRun, ctx: OutcomeContext): ReadCardOutcome {
  const end = r.end;
  switch (end.kind) {
    case 'refused':
      return { kind: 'failed', resultCode: end.resultCode, error: refusedError(NAME, end.resultCode) };
    case 'link-failure':
      return { kind: 'failed', error: linkError(NAME, end.failure, ctx.description, ctx.timers) };
    case 'abort':
      return notRead(end.resultCode, run, r.abortRequested);
    case 'accepted':
    case 'completion':
    case 'status-information': {
      const info = r.statusInfos.at(-1);
      if (!info) {
        return {
          kind: 'failed',
          error: domainError('TERMINAL_PROTOCOL_ERROR', {
            reason: 'Read Card ended without the card data (no Status-Information 04 0F)',
          }),
        };
      }
      const d = detailsFromFields(info.fields, ctx.cardTokenTag);
      const rc = d.resultCode ?? 0;
      if (rc !== 0) return notRead(rc, run, r.abortRequested);
      return { kind: 'read', card: cardReadFrom(d) };
    }
  }
}
