/**
 * The sandbox acquirer's own durable records (`sandbox_acquirer_journal`, schema v3), as an external acquirer
 * keeps its own: one row per request reference, written before the answer leaves the acquirer, so
 * - a request repeated with the same reference gets the first answer (the first writer wins the primary key);
 * - `inquire(reference)` still knows after a core crash what was approved.
 * Only card facts the acquirer may hand back are stored (brand, BIN, last four, expiry, its card reference,
 * the masked PAN); never a PAN or CVV.
 */
import { money, type CurrencyCode, type Money } from '../../src-shared';
import { toSafeInteger, type Queryable } from '../db/adapter';
import type { AuthoriseOutcome, MoneyMovementResult } from './acquirer';

export type SandboxAnswer =
  | {
      type: 'AUTHORISATION';
      /** What was answered (UNKNOWN for a time-out), or the final outcome once inquired. */
      outcome: AuthoriseOutcome;
      /** What an inquiry finds out (the same as `outcome` unless that was UNKNOWN). */
      resolution: Exclude<AuthoriseOutcome, { outcome: 'UNKNOWN' }>;
    }
  | { type: 'MOVEMENT'; kind: 'CAPTURE' | 'CANCEL' | 'REFUND' | 'PAYOUT'; result: MoneyMovementResult };

export interface SandboxRecord {
  reference: string;
  kind: 'AUTHORISE' | 'CAPTURE' | 'CANCEL' | 'REFUND' | 'PAYOUT';
  paymentId: string | null;
  amount: Money | null;
  answer: SandboxAnswer;
}

export interface SandboxRecords {
  find(reference: string): Promise<SandboxAnswer | null>;
  /** Stores the answer unless the reference is known; returns the answer stored first. */
  put(record: SandboxRecord): Promise<SandboxAnswer>;
  /** Replaces an UNKNOWN authorisation answer by its final outcome. */
  resolve(reference: string, answer: SandboxAnswer): Promise<void>;
  /** Every record, first answers (resolved), for tests and people inspecting the sandbox. */
  list(): Promise<SandboxRecord[]>;
}

const isFinal = (a: SandboxAnswer) => a.type === 'MOVEMENT' || a.outcome.outcome !== 'UNKNOWN';

export function sandboxRecords(db: Queryable): SandboxRecords {
  const find = async (reference: string) => {
    const rows = await db.query<{ answer: string }>(
      'SELECT answer FROM sandbox_acquirer_journal WHERE reference = $1',
      [reference],
    );
    return rows[0] ? (JSON.parse(rows[0].answer) as SandboxAnswer) : null;
  };
  return {
    find,
    async put(r) {
      // One statement: two requests with one reference race on the primary key and the loser reads the winner.
      const inserted = await db.query(
        `INSERT INTO sandbox_acquirer_journal (reference, kind, payment_id, amount_minor, currency, answer, final)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (reference) DO NOTHING RETURNING reference`,
        [
          r.reference,
          r.kind,
          r.paymentId,
          r.amount?.amountMinor ?? null,
          r.amount?.currency ?? null,
          JSON.stringify(r.answer),
          isFinal(r.answer),
        ],
      );
      if (inserted.length > 0) return r.answer;
      const first = await find(r.reference);
      if (!first) throw new Error(`sandbox record ${r.reference} vanished`);
      return first;
    },
    async list() {
      const rows = await db.query<{
        reference: string;
        kind: SandboxRecord['kind'];
        payment_id: string | null;
        amount_minor: string | number | null;
        currency: string | null;
        answer: string;
      }>('SELECT reference, kind, payment_id, amount_minor, currency, answer FROM sandbox_acquirer_journal');
      return rows.map((r) => ({
        reference: r.reference,
        kind: r.kind,
        paymentId: r.payment_id,
        amount:
          r.amount_minor === null || r.currency === null
            ? null
            : money(toSafeInteger(r.amount_minor, 'amount_minor'), r.currency as CurrencyCode),
        answer: JSON.parse(r.answer) as SandboxAnswer,
      }));
    },
    async resolve(reference, answer) {
      await db.query(
        `UPDATE sandbox_acquirer_journal SET answer = $2, final = true, resolved_at = statement_timestamp()
         WHERE reference = $1 AND NOT final`,
        [reference, JSON.stringify(answer)],
      );
    },
  };
}
