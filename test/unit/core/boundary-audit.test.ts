/**
 * Issue 7: "every text the core stores is validated at the boundary". This audit walks every request
 * contract (each export named `…RequestSchema`, `…QuerySchema` or `…MessageSchema` of the online, back-office,
 * money-exception and sync contracts, plus the back office's path parameters) and fails on any string that is
 * neither a `storedText` (no control characters, well-formed Unicode, bounded) nor one of the closed formats
 * (payment ids, UUIDs, currency codes, catalog codes, ISO dates, anchored patterns). A new field added as a
 * bare `z.string()` fails here with its path.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CurrencyCodeSchema,
  ErrorCodeSchema,
  PaymentIdSchema,
  STORED_TEXT_SCHEMAS,
  storedText,
  textProblem,
  UuidSchema,
} from '../../../src-shared';
import * as backOffice from '../../../src-shared/backoffice-api';
import * as moneyExceptions from '../../../src-shared/money-exceptions';
import * as online from '../../../src-shared/online-api';
import * as sync from '../../../src-shared/sync-protocol';

/** Strings whose format admits no control character and no surrogate at all. */
const CLOSED_FORMATS = new Set<object>([CurrencyCodeSchema, ErrorCodeSchema, PaymentIdSchema, UuidSchema]);

interface Def {
  type: string;
  format?: string;
  checks?: Array<{ _zod: { def: { format?: string; pattern?: RegExp } } }>;
  [key: string]: unknown;
}
const defOf = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;

function anchoredPattern(d: Def): boolean {
  return (d.checks ?? []).some((c) => {
    const p = c._zod.def.pattern;
    return c._zod.def.format === 'regex' && !!p && p.source.startsWith('^') && p.source.endsWith('$');
  });
}

/** Paths of strings that escape the rules. */
function unchecked(schema: unknown, path: string, out: string[]): string[] {
  if (STORED_TEXT_SCHEMAS.has(schema as object) || CLOSED_FORMATS.has(schema as object)) return out;
  const d = defOf(schema);
  switch (d.type) {
    case 'string':
      // z.iso.datetime(), z.iso.date() … are formats; an anchored regex is a closed format too.
      if (!d.format && !anchoredPattern(d)) out.push(path);
      return out;
    case 'object':
      for (const [k, v] of Object.entries(d.shape as Record<string, unknown>))
        unchecked(v, `${path}.${k}`, out);
      return out; // a loose object's unknown fields are ignored, never stored
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return unchecked(d.innerType, path, out);
    case 'array':
      return unchecked(d.element, `${path}[]`, out);
    case 'union':
      (d.options as unknown[]).forEach((o, i) => unchecked(o, `${path}|${i}`, out));
      return out;
    case 'intersection':
      unchecked(d.left, path, out);
      return unchecked(d.right, path, out);
    case 'pipe':
      unchecked(d.in, path, out);
      return defOf(d.out).type === 'transform' ? out : unchecked(d.out, path, out);
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
    case 'null':
    case 'transform':
      return out;
    default:
      out.push(`${path} (${d.type}: not audited)`);
      return out;
  }
}

const CONTRACTS = Object.entries({ ...online, ...backOffice, ...moneyExceptions, ...sync }).filter(([name]) =>
  /(Request|Query|Message)Schema$/.test(name),
);

describe('the boundary audit', () => {
  it('finds the request contracts of all three APIs', () => {
    const names = CONTRACTS.map(([n]) => n);
    for (const expected of [
      'CreatePaymentRequestSchema',
      'RefundRequestSchema',
      'CreatePayoutRequestSchema',
      'CreateTokenRequestSchema',
      'CaptureRequestSchema',
      'OrdersQuerySchema',
      'SyncMessageSchema',
      'ConfirmReservationRequestSchema',
    ]) {
      expect(names).toContain(expected);
    }
    expect(CONTRACTS.length).toBeGreaterThanOrEqual(25);
  });

  it('no string in any request contract escapes the stored-text rules', () => {
    const escaped = CONTRACTS.flatMap(([name, schema]) => unchecked(schema, name, []));
    for (const param of [
      backOffice.MerchantIdParamSchema,
      backOffice.CustomerIdParamSchema,
      backOffice.ContractIdParamSchema,
    ]) {
      unchecked(param, 'path parameter', escaped);
    }
    expect(escaped).toEqual([]);
  });

  it('the audit itself catches a bare string, and passes a stored text or a closed format', () => {
    const fine = online.RefundRequestSchema.extend({ note: storedText({ max: 5 }).or(UuidSchema) });
    expect(unchecked(fine, 'x', [])).toEqual([]);
    const leaky = online.RefundRequestSchema.extend({ note: z.string().max(5).optional() });
    expect(unchecked(leaky, 'x', [])).toEqual(['x.note']);
  });

  it('text rules: control characters, lone surrogates, length; pairs and accents are fine', () => {
    expect(textProblem('Grüße 😀 ok', { max: 20 })).toBeNull();
    expect(textProblem('a\u0000b', { max: 20 })).toMatch(/U\+0000 at character 2/);
    expect(textProblem('a\u0085b', { max: 20 })).toMatch(/U\+0085/);
    expect(textProblem('line\nbreak', { max: 20 })).toMatch(/U\+000A/);
    expect(textProblem('line\nbreak', { max: 20, multiline: true })).toBeNull();
    expect(textProblem('\udc00', { max: 20 })).toMatch(/lone UTF-16 surrogate \(U\+DC00\) at character 1/);
    expect(textProblem('😀'.slice(0, 1) + 'x', { max: 20 })).toMatch(/surrogate/);
    expect(textProblem('', { max: 20 })).toMatch(/empty/);
    expect(textProblem('', { max: 20, min: 0 })).toBeNull();
    expect(textProblem('abcdef', { max: 5 })).toMatch(/6 characters long; at most 5/);
  });
});
