/**
 * The virtual PT's Read Card (06 C0, P15 §2.21): accept, prompt "insert card" (04 FF), wait for the
 * customer, then answer with the presented card's data and token in one Status-Information, which hands
 * master rights back (no completion). Nobody presents a card before the command's timeout, or the ECR
 * sends Abort 06 B0, or the customer presses abort: Abort 06 1E with 6C ("abort via timeout or abort key").
 */
import type { ParsedMessage } from '../codec/messages';
import type { Conversation } from './conversation';
import { abortMessage, ACCEPT, cardDataInformation } from './pt-messages';
import type { FlowTerminal } from './state';

/** When the ECR sends no timeout byte (an empty 06 C0), the PT waits this long [inference]. */
const DEFAULT_TIMEOUT_S = 30;

export async function readCard(vt: FlowTerminal, conv: Conversation, m: ParsedMessage): Promise<void> {
  const timeoutSeconds = Number(m.prefix.timeoutSeconds ?? 0) || DEFAULT_TIMEOUT_S;
  if (!(await conv.post(ACCEPT))) return;
  if ((await vt.status(conv, 0x0a)) === 'lost') return; // "insert card"
  const card = vt.presentedCardOrNone;
  const waited = await conv.waitCustomer(
    card ? Math.min(vt.timers.customerDelayMs, timeoutSeconds * 1000) : timeoutSeconds * 1000,
  );
  if (waited === 'lost') return;
  vt.emit({ kind: 'command', name: card ? `Read Card: ${card.id}` : 'Read Card: no card presented' });
  if (waited === 'aborted' || !card || card.inStore === 'CUSTOMER_ABORT') {
    await conv.send(abortMessage(0x6c));
    return;
  }
  const chip = card.inStore === 'APPROVE_WITH_PIN' || card.brand === 'GIROCARD';
  await conv.send(cardDataInformation({ card, chip, tokenTag: vt.tokenTag, tlvAllowed: vt.tlvAllowed }));
}
