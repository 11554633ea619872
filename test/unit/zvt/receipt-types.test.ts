/**
 * The receipt type reaches the listener with every print line (docs/zvt.md): 06 D3 text blocks carry it in
 * 1F07 (1 merchant, 2 customer), 06 D1 lines have none. Real frames from the virtual terminal's builders,
 * parsed by the codec.
 */
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src-main/zvt/codec/messages';
import { ReceiptCollector } from '../../../src-main/zvt/session/details';
import { printLines, textBlock } from '../../../src-main/zvt/virtual-terminal/pt-messages';

const parsed = (bytes: Uint8Array) => {
  const r = parseMessage(bytes);
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
};

describe('receipt lines with their receipt type', () => {
  it('06 D3 blocks give each line its copy; 06 D1 lines are unspecified', () => {
    const seen: [string, string][] = [];
    const c = new ReceiptCollector((line, type) => seen.push([line, type]));
    c.accept(parsed(textBlock(2, ['KUNDENBELEG', 'Betrag EUR 1,00'])));
    c.accept(parsed(textBlock(1, ['HAENDLERBELEG', 'Betrag EUR 1,00'])));
    for (const m of printLines(['Kassenschnitt'])) c.accept(parsed(m));
    expect(seen).toEqual([
      ['KUNDENBELEG', 'customer'],
      ['Betrag EUR 1,00', 'customer'],
      ['HAENDLERBELEG', 'merchant'],
      ['Betrag EUR 1,00', 'merchant'],
      ['Kassenschnitt', 'unspecified'],
    ]);
    expect(c.receipts().map((r) => r.type)).toEqual(['customer', 'merchant', 'unspecified']);
  });
});
