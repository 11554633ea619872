/**
 * Contracts (requirement 003): a customer's stored cards, for one-click payments, and their deactivation.
 * A contract is a token (ledger/tokens.ts); deactivating it is a conditional update plus a token event, and
 * the online API refuses to charge a token that is not ACTIVE (new payments with it, and subsequent payments
 * on a payment that used it).
 */
import { isExpired } from '../../src-shared';
import type { Contract } from '../../src-shared/backoffice-api';
import type { Db } from '../db/adapter';
import { fail } from '../routing/api-error';
import type { LedgerContext } from '../ledger/context';
import { endToken, selectToken, selectTokensOfCustomer, type TokenRecord } from '../ledger/tokens';

export function contractView(t: TokenRecord, now: Date): Contract {
  return {
    contractId: t.tokenId,
    customerId: t.customerRef,
    brand: t.brand,
    last4: t.last4,
    expiry: t.expiry,
    status: t.status,
    usableForOneClick: t.status === 'ACTIVE' && !isExpired(t.expiry, now),
    channel: t.channel,
    createdAt: t.createdAt,
    statusChangedAt: t.statusChangedAt,
  };
}

/** The customer's cards that were not deleted (a deleted token's card data is gone). */
export async function customerContracts(db: Db, merchantId: string, customerId: string, now: Date) {
  const tokens = await selectTokensOfCustomer(db, merchantId, customerId);
  return {
    customerId,
    contracts: tokens.filter((t) => t.status !== 'DELETED').map((t) => contractView(t, now)),
  };
}

/** Deactivates an active contract; deactivating one twice answers its current state (idempotent). */
export async function deactivateContract(
  db: Db,
  ctx: LedgerContext,
  merchantId: string,
  contractId: string,
  now: Date,
): Promise<Contract> {
  const ended = await db.transaction((tx) =>
    endToken(tx, ctx, { merchantId, tokenId: contractId, to: 'DEACTIVATED', channel: 'BACK_OFFICE' }),
  );
  if (ended) return contractView(ended, now);
  const current = await selectToken(db, merchantId, contractId);
  if (!current) throw fail('TOKEN_NOT_FOUND', { tokenId: contractId });
  if (current.status === 'DELETED') throw fail('TOKEN_DELETED', { tokenId: contractId });
  return contractView(current, now);
}
