/** Read Card's pure parts: the virtual terminal's answer bytes and how an exchange becomes an outcome. */
import { describe, expect, test } from 'vitest';
import { testCardById } from '../../../src-shared';
import { fromHex, toHex } from '../../../src-main/zvt/codec/bytes';
import { parseMessage } from '../../../src-main/zvt/codec/messages';
import type { ExchangeEnd, ExchangeResult } from '../../../src-main/zvt/session/exchange';
import { readCardOutcome } from '../../../src-main/zvt/session/read-card';
import { SPEC_SESSION_TIMERS } from '../../../src-main/zvt/session/types';
import { cardDataInformation } from '../../../src-main/zvt/virtual-terminal/pt-messages';
import fixtures from '../../fixtures/zvt/messages.json';

const CARD_DATA = fixtures.messages.find((m) => m.name.startsWith('status information: card read'))!.hex;
const ctx = { cardTokenTag: 'DF7C', description: 'test line', timers: SPEC_SESSION_TIMERS };
const msg = (hex: string) => {
  const m = parseMessage(fromHex(hex)!);
  if (!m.ok) throw new Error(m.error.reason);
  return m.value;
};
const result = (end: ExchangeEnd, infos: string[] = [], abortRequested = false): ExchangeResult => ({
  end,
  statusInfos: infos.map(msg),
  approvedStatusInfoAcknowledged: false,
  receipts: [],
  commandDelivered: true,
  abortRequested,
  discarded: [],
});
const run = (elapsedMs: number, abortedAtDeadline = false) => ({
  timeoutSeconds: 10,
  elapsedMs,
  abortedAtDeadline,
});

describe('Read Card', () => {
  test('the virtual terminal answers with exactly the fixture bytes: masked PAN, no track data', () => {
    const card = testCardById('visa-approve')!;
    const bytes = cardDataInformation({ card, chip: false, tokenTag: 'DF7C', tlvAllowed: true });
    expect(toHex(bytes)).toBe(toHex(fromHex(CARD_DATA)!));
    expect(toHex(bytes, '')).not.toContain(card.pan);
  });

  test('its Status-Information reads as the card', () => {
    const out = readCardOutcome(
      result({ kind: 'status-information', message: msg(CARD_DATA) }, [CARD_DATA]),
      run(800),
      ctx,
    );
    expect(out).toMatchObject({
      kind: 'read',
      card: { last4: '4675', expiry: '12/30', cardType: { id: 10 }, technology: 'contactless' },
    });
  });

  test('6C at the end of the timeout is "no card"; earlier it is an abort; after our deadline abort, "no card"', () => {
    const abort = { kind: 'abort', resultCode: 0x6c, message: msg('06 1E 01 6C') } as const;
    expect(readCardOutcome(result(abort), run(10_000), ctx).kind).toBe('no-card');
    expect(readCardOutcome(result(abort), run(2_000), ctx)).toMatchObject({
      kind: 'aborted',
      by: 'customer-or-terminal',
    });
    expect(readCardOutcome(result(abort, [], true), run(2_000), ctx)).toMatchObject({
      kind: 'aborted',
      by: 'ecr',
    });
    expect(readCardOutcome(result(abort, [], true), run(15_000, true), ctx).kind).toBe('no-card');
  });

  test('an unreadable card, a refusal and a protocol gap are outcomes with catalog errors', () => {
    expect(
      readCardOutcome(
        result({ kind: 'status-information', message: msg('04 0F 02 27 64') }, ['04 0F 02 27 64']),
        run(1),
        ctx,
      ),
    ).toMatchObject({ kind: 'not-read', resultCode: 0x64, error: { code: 'TERMINAL_CARD_NOT_READ' } });
    expect(readCardOutcome(result({ kind: 'refused', resultCode: 0x83 }), run(1), ctx)).toMatchObject({
      kind: 'failed',
      error: { code: 'TERMINAL_COMMAND_REFUSED', message: expect.stringContaining('Read Card') },
    });
    expect(
      readCardOutcome(result({ kind: 'completion', message: msg('06 0F 00') }), run(1), ctx),
    ).toMatchObject({ kind: 'failed', error: { code: 'TERMINAL_PROTOCOL_ERROR' } });
  });
});
