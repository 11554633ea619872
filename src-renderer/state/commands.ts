/**
 * The host API as the screens call it: the contract's own command names and types (src-shared/host-api.ts),
 * imported as types only, so the renderer ships no schema code. `call` is typed per command: a wrong name,
 * a wrong input or a misread answer fails the type-check.
 */
import type { z } from 'zod';
import type {
  HostApi,
  HostCommandName,
  HostCommandOutput,
  HostEventName,
  HostEventPayload,
} from '../../src-shared/host-api';
import type { HostCallResult, HostLink } from '../host-link';

/** What a command takes as sent (defaults may be left out). */
export type CommandInput<K extends HostCommandName> = z.input<HostApi['commands'][K]['input']>;
export type CommandOutput<K extends HostCommandName> = HostCommandOutput<K>;

export function call<K extends HostCommandName>(
  host: HostLink,
  command: K,
  input: CommandInput<K>,
  options?: { timeoutMs?: number },
): Promise<HostCallResult<CommandOutput<K>>> {
  return host.call<CommandOutput<K>>(command, input, options);
}

export type HostStatus = CommandOutput<'status'>;
export type StaffEntry = CommandOutput<'staff.list'>[number];
export type StaffMember = CommandOutput<'staff.verify'>;
export type CatalogueItem = NonNullable<CommandOutput<'catalogue.find'>>;
export type CartLine = CommandOutput<'cart.get'>['lines'][number];
export type SaleAnswer = CommandOutput<'sale.checkout'>;
export type Receipt = CommandOutput<'receipt.get'>;
export type RefundableView = CommandOutput<'order.refundable'>;
export type OrderSummary = CommandOutput<'order.search'>[number];
export type TenderInput = CommandInput<'sale.checkout'>['tenders'][number];

/** A pushed event, narrowed by its name. */
export type ContractEvent = {
  [K in HostEventName]: { event: K; payload: HostEventPayload<K> };
}[HostEventName];

/** A checkout id for a new sale, deposit or balance collection (sent again unchanged on a retry). */
export function newCheckoutId(): string {
  return crypto.randomUUID();
}
