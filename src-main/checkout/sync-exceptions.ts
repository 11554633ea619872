/**
 * A manager resolves a message the core refused for good (a sync exception). Two ways, both with the
 * manager's PIN and a note, both audited, both at most once (the exception is closed in the same transaction):
 *
 * - ACKNOWLEDGE: reviewed; nothing is sent. The counter's own record stays as it is (the ledger is
 *   append-only); reconciliation keeps listing the difference for the books.
 * - RESEND: the same fact queued again under a **new message id** (the sync protocol's business key: a
 *   resend under the old one would only be answered with the old refusal). The fact keeps its operation id,
 *   so the core records it at most once and the counter's ledger does not count it twice. The use: a refund
 *   the core refused as a repeat of another channel's refund, which the manager confirms is a second,
 *   genuine refund (the core judges it again; after its repeat window it goes through).
 */
import { domainError, err, ok, type DomainError, type Result } from '../../src-shared';
import {
  appendAudit,
  enqueueMessage,
  getSyncException,
  outboxRecord,
  resolveSyncExceptionRow,
  type NewSyncMessage,
  type SyncExceptionListed,
} from '../store';
import type { CheckoutDeps } from './context';
import { requireManager } from './staff';

export interface ResolveExceptionInput {
  readonly exceptionId: number;
  readonly action: 'ACKNOWLEDGE' | 'RESEND';
  readonly note: string;
  readonly manager: { readonly managerId: string; readonly managerPin: string };
}

export interface ResolvedException {
  readonly exception: SyncExceptionListed;
  /** The new message's id when it was sent again. */
  readonly resentAs: string | null;
}

export function resolveSyncException(
  deps: CheckoutDeps,
  input: ResolveExceptionInput,
): Result<ResolvedException, DomainError> {
  const note = input.note.trim();
  if (note.length < 3) {
    return err(
      domainError('HOST_COMMAND_INVALID', {
        command: 'exception.resolve',
        reason: 'note: give a note of at least 3 characters saying what was checked',
      }),
    );
  }
  const m = requireManager(deps, input.manager, 'Resolving a sync exception');
  if (!m.ok) return m;
  const ex = getSyncException(deps.db, input.exceptionId);
  if (!ex || ex.resolvedAt !== null) {
    return err(domainError('SYNC_EXCEPTION_NOT_FOUND', { exceptionId: input.exceptionId }));
  }
  const original = outboxRecord(deps.db, ex.messageId);
  if (!original) return err(domainError('SYNC_EXCEPTION_NOT_FOUND', { exceptionId: input.exceptionId }));
  const now = deps.clock();
  const resentAs = input.action === 'RESEND' ? deps.newId() : null;
  const resolution = resentAs !== null ? `RESEND as message ${resentAs}: ${note}` : `ACKNOWLEDGE: ${note}`;
  const done = deps.db.tx(() => {
    // Closed first: a second resolve (a double click, two managers) finds it closed and sends nothing.
    if (!resolveSyncExceptionRow(deps.db, ex.exceptionId, m.value.staffId, resolution, now)) return false;
    if (resentAs !== null) {
      const { seq, ...rest } = original.message;
      void seq;
      enqueueMessage(deps.db, { ...rest, messageId: resentAs } as NewSyncMessage);
      // A refund request waiting on the refused claim now waits on the new message.
      deps.db
        .prepare(
          `UPDATE refund_requests SET message_id = ?, state = 'CLAIM_QUEUED', updated_at = ?
           WHERE message_id = ? AND state = 'REJECTED'`,
        )
        .run(resentAs, now.toISOString(), ex.messageId);
    }
    appendAudit(deps.db, {
      at: now,
      actor: m.value.staffId,
      action: input.action === 'RESEND' ? 'SYNC_EXCEPTION_RESENT' : 'SYNC_EXCEPTION_ACKNOWLEDGED',
      subject: ex.orderId,
      details: {
        exceptionId: ex.exceptionId,
        messageId: ex.messageId,
        kind: ex.kind,
        code: ex.code,
        note,
        resentAs,
      },
    });
    return true;
  });
  if (!done) return err(domainError('SYNC_EXCEPTION_NOT_FOUND', { exceptionId: input.exceptionId }));
  if (resentAs) deps.emit({ kind: 'outbox-changed' });
  deps.emit({ kind: 'status-changed' });
  if (ex.orderId) deps.emit({ kind: 'order-changed', orderId: ex.orderId });
  return ok({ exception: getSyncException(deps.db, ex.exceptionId)!, resentAs });
}
