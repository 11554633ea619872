/**
 * The offline card policy (issue 9, docs/host.md "Offline card policy"). While the counter cannot reach the
 * core, a card payment the terminal approves is only a promise until the counter forwards it: the store
 * carries the risk that the acquirer refuses it later. So, offline only, card payments are limited — one
 * payment, what all the payments not yet forwarded add up to, how many there are, and how long the oldest
 * has waited — with the limits a manager sets (settings `offline.limits`, counter-settings.ts).
 *
 * The check runs before the order is written and again before the first byte goes to the terminal, so a
 * refused card payment costs the customer nothing and leaves no half-paid order behind. A split or a
 * deposit counts only its card part. Online nothing is limited here.
 *
 * Right after a host start no sync request has been answered yet, so the counter does not know whether it is
 * online. The daemon's first cycle starts with the host; a card payment asked for in that moment waits for its
 * first answer (at most ONLINE_UNKNOWN_WAIT_MS, usually milliseconds): the core answered → online, no limits;
 * it could not be reached, or still no answer after the wait → the offline limits apply (not knowing is
 * treated as offline: a card payment over the limits is only taken once the core is known to be reachable).
 */
import { domainError, toDecimalString, type DomainError } from '../../src-shared';
import { offlineCardQueue } from '../store';
import type { CheckoutDeps } from './context';
import { counterSettings } from './counter-settings';

/** How long a card payment waits for the first sync answer after a start before the offline limits apply. */
export const ONLINE_UNKNOWN_WAIT_MS = 3_000;

const show = (deps: CheckoutDeps, minor: number) =>
  `${toDecimalString({ amountMinor: minor, currency: deps.currency })} ${deps.currency}`;

/**
 * Why these card payments (the amounts this checkout would take by card, in order) may not be taken now,
 * or null when they may: always null online; offline, the first limit they would break.
 */
export async function offlineCardRefusal(
  deps: CheckoutDeps,
  cardAmountsMinor: readonly number[],
): Promise<DomainError | null> {
  if (cardAmountsMinor.length === 0 || deps.isOnline()) return null;
  // Not online, or not known yet (the first sync since start is on its way): wait for its answer, briefly.
  if (deps.awaitOnlineKnown) {
    await deps.awaitOnlineKnown(ONLINE_UNKNOWN_WAIT_MS);
    if (deps.isOnline()) return null;
  }
  const limits = counterSettings(deps).offline;
  const queue = offlineCardQueue(deps.db);
  if (queue.oldest) {
    const age = deps.clock().getTime() - new Date(queue.oldest.takenAt).getTime();
    if (age > limits.maxAgeHours * 3_600_000) {
      return domainError('OFFLINE_CARD_QUEUE_TOO_OLD', {
        paymentId: queue.oldest.paymentId,
        takenAt: queue.oldest.takenAt,
        hours: limits.maxAgeHours,
      });
    }
  }
  const over = cardAmountsMinor.find((a) => a > limits.perPaymentMaxMinor);
  if (over !== undefined) {
    return domainError('OFFLINE_CARD_OVER_PAYMENT_LIMIT', {
      limit: show(deps, limits.perPaymentMaxMinor),
      amount: show(deps, over),
    });
  }
  if (queue.count + cardAmountsMinor.length > limits.maxCount) {
    return domainError('OFFLINE_CARD_OVER_COUNT_LIMIT', { limit: limits.maxCount, queued: queue.count });
  }
  const adding = cardAmountsMinor.reduce((s, a) => s + a, 0);
  if (queue.totalMinor + adding > limits.totalMaxMinor) {
    return domainError('OFFLINE_CARD_OVER_TOTAL_LIMIT', {
      limit: show(deps, limits.totalMaxMinor),
      queued: show(deps, queue.totalMinor),
      amount: show(deps, adding),
      after: show(deps, queue.totalMinor + adding),
    });
  }
  return null;
}

/**
 * The card parts of tenders run in turn against `dueMinor` (as payTenders runs them): a cash tender takes
 * its amount or what it covers, a card tender its amount or the rest.
 */
export function cardParts(
  dueMinor: number,
  tenders: readonly (
    { method: 'CARD'; amountMinor?: number } | { method: 'CASH'; tenderedMinor: number; amountMinor?: number }
  )[],
): number[] {
  let rest = dueMinor;
  const out: number[] = [];
  for (const t of tenders) {
    if (rest <= 0) break;
    const amount =
      t.method === 'CASH'
        ? Math.min(t.amountMinor ?? t.tenderedMinor, rest)
        : Math.min(t.amountMinor ?? rest, rest);
    if (t.method === 'CARD' && amount > 0) out.push(amount);
    rest -= Math.max(0, amount);
  }
  return out;
}
