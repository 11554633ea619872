/**
 * Push: an ordered batch of terminal messages, each applied in its own transaction together with its
 * idempotence record in `sync_messages`, and answered `accepted | duplicate | rejected{code}`.
 *
 * Decisions (issue 3 left them open):
 * - A rejected message never stops the batch. A later message of the same batch that names an order or a
 *   payment the rejected one would have created is rejected SYNC_DEPENDS_ON_REJECTED (naming it), without
 *   touching the ledger; any other message is applied normally.
 * - A rejection that may pass later (REFUND_ORDER_LOCKED, SYNC_DEPENDS_ON_REJECTED, an unknown acquirer
 *   outcome, an internal error) is not remembered: the same message id sent again is applied again. A final
 *   rejection is remembered and answered the same way again for that message id, like an accepted message is
 *   answered `duplicate`.
 * - A message that does not validate is rejected SYNC_MESSAGE_INVALID and not remembered (its id may be what
 *   is broken).
 * - `seq` must increase within a batch, or the whole batch is refused (400): that is a terminal bug.
 * - A message with `rescuedFrom` (carried over by a rescue import from a counter that broke) is applied as
 *   the counter that recorded it — found by its issuer among the terminals of the pushing terminal's merchant
 *   and store, revoked or not — so what that counter had pushed before it broke is answered `duplicate`, its
 *   payment ids pass the issuer check, and its facts stay its own. Any other issuer: SYNC_RESCUE_ORIGIN_UNKNOWN.
 */
import type { FastifyBaseLogger } from 'fastify';
import { domainError, isRetryable, type DomainError } from '../../src-shared';
import { describeFirstIssue, textProblem } from '../../src-shared/validation';
import {
  SyncMessageSchema,
  type AcceptedDetails,
  type SyncMessage,
  type SyncPushResult,
} from '../../src-shared/sync-protocol';
import type { Terminal } from '../accounts/accounts';
import { isUniqueViolation, toIso, violatedConstraint, type Db } from '../db/adapter';
import { fail } from '../routing/api-error';
import type { LedgerContext } from '../ledger/context';
import { Refused } from '../ledger/service';
import { moneyExceptionAfterRollback } from '../payments/refund-reservations';
import { applyMessageInTx } from './apply';

interface StoredMessage {
  terminal_id: string;
  kind: string;
  result: 'accepted' | 'rejected';
  error_code: string | null;
  answer: string | null;
}

/** The ids a message needs to exist already, and the ids it creates. */
function dependencies(m: SyncMessage): { needs: string[]; creates: string[] } {
  switch (m.kind) {
    case 'ORDER_CREATED':
      return { needs: [], creates: [m.orderId] };
    case 'PAYMENT_RECORDED':
      return { needs: [m.orderId], creates: [m.paymentId] };
    case 'CAPTURE':
    case 'AUTHORISATION_REVERSAL':
    case 'VOID':
    case 'REFUND':
      return { needs: [m.paymentId], creates: [] };
    case 'CASH_MOVEMENT':
    case 'END_OF_DAY':
      return { needs: [], creates: [] };
  }
}

function rejected(messageId: string, error: DomainError, dependsOn?: string): SyncPushResult {
  return {
    messageId,
    status: 'rejected',
    code: error.code,
    message: error.message,
    retryable: isRetryable(error),
    ...(dependsOn ? { dependsOn } : {}),
  };
}

function invalid(raw: unknown, index: number, reason: string): SyncPushResult {
  const sent =
    typeof raw === 'object' && raw !== null ? (raw as { messageId?: unknown }).messageId : undefined;
  // The answer echoes the message id: only one that is clean text (issue 7: a NUL must not reach a table).
  const id = typeof sent === 'string' && textProblem(sent, { max: 64 }) === null ? sent : `#${index}`;
  return rejected(id, domainError('SYNC_MESSAGE_INVALID', { messageId: id, reason }));
}

export interface PushDeps {
  db: Db;
  ctx: LedgerContext;
  log: FastifyBaseLogger;
}

export async function pushBatch(
  deps: PushDeps,
  terminal: Terminal,
  raw: readonly unknown[],
): Promise<SyncPushResult[]> {
  const parsed = raw.map((item) => SyncMessageSchema.safeParse(item));
  let lastSeq = -1;
  for (const p of parsed) {
    if (!p.success) continue;
    if (p.data.seq <= lastSeq) {
      throw fail(
        'REQUEST_INVALID',
        {
          propertyName: 'body.messages',
          reason: `seq ${p.data.seq} does not increase; send messages in order`,
        },
        'body.messages',
      );
    }
    lastSeq = p.data.seq;
  }
  const rejectedCreators = new Map<string, string>();
  const results: SyncPushResult[] = [];
  for (const [index, p] of parsed.entries()) {
    if (!p.success) {
      const { path, reason } = describeFirstIssue(p.error, raw[index]);
      results.push(invalid(raw[index], index, `${path || 'message'}: ${reason}`));
      continue;
    }
    const m = p.data;
    const links = dependencies(m);
    const blocker = links.needs.map((id) => rejectedCreators.get(id)).find((x) => x !== undefined);
    let result: SyncPushResult;
    if (blocker) {
      const first = results.find((r) => r.messageId === blocker);
      const code = first?.status === 'rejected' ? first.code : 'SYNC_MESSAGE_INVALID';
      result = rejected(
        m.messageId,
        domainError('SYNC_DEPENDS_ON_REJECTED', { messageId: m.messageId, dependsOn: blocker, code }),
        blocker,
      );
    } else if (m.rescuedFrom && m.rescuedFrom.issuer !== terminal.issuer) {
      const origin = await terminalOfStoreByIssuer(deps.db, terminal, m.rescuedFrom.issuer);
      if (origin) {
        deps.log.info(
          { messageId: m.messageId, pushedBy: terminal.terminalId, recordedBy: origin.terminalId },
          'rescued message applied as the counter that recorded it',
        );
      }
      result = origin
        ? await applyOne(deps, origin, m)
        : rejected(
            m.messageId,
            domainError('SYNC_RESCUE_ORIGIN_UNKNOWN', {
              messageId: m.messageId,
              issuer: m.rescuedFrom.issuer,
            }),
          );
    } else {
      result = await applyOne(deps, terminal, m);
    }
    if (result.status === 'rejected') for (const id of links.creates) rejectedCreators.set(id, m.messageId);
    results.push(result);
  }
  return results;
}

/** The terminal of the same merchant and store with this issuer (revoked ones too: a broken counter's). */
async function terminalOfStoreByIssuer(db: Db, pusher: Terminal, issuer: number): Promise<Terminal | null> {
  const rows = await db.query<{
    id: string;
    issuer: string | number;
    key_id: string;
    label: string | null;
    enrolled_at: Date | string;
    revoked_at: Date | string | null;
  }>(
    `SELECT id::text AS id, issuer, key_id, label, enrolled_at, revoked_at FROM terminals
      WHERE merchant_id = $1 AND store_id = $2 AND issuer = $3`,
    [pusher.merchantId, pusher.storeId, issuer],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    terminalId: r.id as Terminal['terminalId'],
    merchantId: pusher.merchantId,
    storeId: pusher.storeId,
    issuer: Number(r.issuer),
    keyId: r.key_id,
    label: r.label,
    enrolledAt: toIso(r.enrolled_at, 'enrolled_at'),
    revokedAt: r.revoked_at === null ? null : toIso(r.revoked_at, 'revoked_at'),
  };
}

async function replay(terminal: Terminal, m: SyncMessage, row: StoredMessage): Promise<SyncPushResult> {
  if (row.terminal_id !== terminal.terminalId || row.kind !== m.kind) {
    return rejected(m.messageId, domainError('SYNC_ID_REUSED', { what: 'Message id', id: m.messageId }));
  }
  const answer = JSON.parse(row.answer ?? '{}') as SyncPushResult;
  if (row.result === 'accepted' && answer.status === 'accepted') {
    return { messageId: m.messageId, status: 'duplicate', details: answer.details };
  }
  return answer;
}

async function applyOne(deps: PushDeps, terminal: Terminal, m: SyncMessage): Promise<SyncPushResult> {
  const { db } = deps;
  const find = async () =>
    (
      await db.query<StoredMessage>(
        'SELECT terminal_id, kind, result, error_code, answer FROM sync_messages WHERE message_id = $1',
        [m.messageId],
      )
    )[0];
  const seen = await find();
  if (seen) return replay(terminal, m, seen);
  const remember = (answer: SyncPushResult, code: string | null) =>
    [
      m.messageId,
      terminal.terminalId,
      m.seq,
      m.kind,
      answer.status === 'accepted' ? 'accepted' : 'rejected',
      code,
      JSON.stringify(answer),
    ] as const;
  const INSERT = `INSERT INTO sync_messages (message_id, terminal_id, terminal_seq, kind, result, error_code, answer)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`;
  try {
    return await db.transaction(async (tx) => {
      const r = await applyMessageInTx(tx, { ctx: deps.ctx, terminal }, m);
      if (!r.ok) throw new Refused(r.error);
      const answer: SyncPushResult = {
        messageId: m.messageId,
        status: 'accepted',
        details: r.value satisfies AcceptedDetails,
      };
      await tx.query(INSERT, [...remember(answer, null)]);
      return answer;
    });
  } catch (e) {
    // The same message pushed twice at once (a retransmission while the first copy was being applied): the
    // other copy committed the order, payment or message first, and ours failed on it (a unique violation, or
    // a refusal such as ORDER_ALREADY_EXISTS when ours read after the other's commit). The other copy's record
    // answers this one `duplicate`; only a message nobody recorded is refused.
    const other = await find();
    if (other) return replay(terminal, m, other);
    // A refund the card terminal made that the ledger refuses: stored as a money exception after the rollback.
    const refusal =
      (await moneyExceptionAfterRollback(db, deps.ctx, e, deps.log)) ??
      (e instanceof Refused ? e.error : raceAsRefusal(e, m));
    if (refusal) {
      const answer = rejected(m.messageId, refusal);
      if (answer.status === 'rejected' && !answer.retryable) {
        await db.query(`${INSERT} ON CONFLICT (message_id) DO NOTHING`, [...remember(answer, refusal.code)]);
      }
      return answer;
    }
    const reference = deps.ctx.newId();
    deps.log.error({ err: e, errorId: reference, messageId: m.messageId }, 'sync message failed');
    return rejected(m.messageId, domainError('INTERNAL_ERROR', { reference }));
  }
}

/** An order or payment id that another message inserted between our check and our insert. */
function raceAsRefusal(e: unknown, m: SyncMessage): DomainError | null {
  if (!isUniqueViolation(e)) return null;
  const constraint = violatedConstraint(e) ?? '';
  if (constraint.startsWith('orders_pkey') && m.kind === 'ORDER_CREATED') {
    return domainError('ORDER_ALREADY_EXISTS', { orderId: m.orderId });
  }
  if (constraint.startsWith('payments_pkey') && m.kind === 'PAYMENT_RECORDED') {
    return domainError('PAYMENT_ALREADY_EXISTS', { paymentId: m.paymentId });
  }
  return null;
}
