/**
 * The boundary's rules for text and amounts, written once and used by every request contract (online API,
 * back office, terminal sync). Issue 7: a NUL in a merchant reference passed validation, the acquirer
 * approved, and PostgreSQL then refused the text (22021) while recording: money moved that the ledger never
 * recorded. So every text the core stores is checked here, before any acquirer call, for what PostgreSQL and
 * a person reading it later can take: no control characters, well-formed Unicode (no lone UTF-16
 * surrogates), a bounded length.
 *
 * `storedText` marks the schemas it builds, so a test (test/unit/core/boundary-audit.test.ts) can walk every
 * request contract and prove no stored string escapes these rules.
 */
import { z } from 'zod';
import { isCurrencyCode } from './currencies';
import { toDecimalString } from './money';

export interface TextRules {
  /** Longest accepted, in characters (UTF-16 code units, as JavaScript and zod count). */
  max: number;
  /** Shortest accepted; 1 unless said otherwise (an empty reference says nothing: leave the field out). */
  min?: number;
  /** Tabs and line breaks allowed (free-text notes); references and ids are one line. */
  multiline?: boolean;
}

/** Schemas built by `storedText`, for the audit test. */
export const STORED_TEXT_SCHEMAS = new WeakSet<object>();

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * What is wrong with a text, as a sentence saying what to fix, or null. Checked in the order a sender would
 * fix it: characters first (one bad byte makes the rest moot), then length.
 */
export function textProblem(value: string, rules: TextRules): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      return (
        `it holds a lone UTF-16 surrogate (${hex(c)}) at character ${i + 1}, which is not valid Unicode; ` +
        'send well-formed UTF-8 text'
      );
    }
    const allowedWhitespace = rules.multiline === true && (c === 0x09 || c === 0x0a || c === 0x0d);
    if ((c < 0x20 || (c >= 0x7f && c <= 0x9f)) && !allowedWhitespace) {
      return (
        `it holds the control character ${hex(c)} at character ${i + 1}; remove it ` +
        (rules.multiline === true
          ? '(printable text, tabs and line breaks only)'
          : '(printable text only: no line breaks, tabs or NUL)')
      );
    }
  }
  const min = rules.min ?? 1;
  if (value.length < min) {
    return min === 1
      ? 'it is empty; send at least one character or leave the field out'
      : `it is ${value.length} characters long; send at least ${min}`;
  }
  if (value.length > rules.max) {
    return `it is ${value.length} characters long; at most ${rules.max} are accepted, shorten it`;
  }
  return null;
}

/** A sent text as an error message may quote it: short, control characters and lone surrogates as '?'. */
function printable(v: string): string {
  const short = v.length > 20 ? `${v.slice(0, 20)}…` : v;
  let out = '';
  for (const ch of short) {
    // for…of walks code points: a well-formed pair comes as one, a lone surrogate alone.
    const c = ch.codePointAt(0)!;
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) ? '?' : ch;
  }
  return out;
}

/** Names a JSON value's type the way a sender thinks of it ("a number", "an object", "null"). */
export function describeJsonValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : 'a number out of range';
  if (typeof v === 'string') return `the string "${printable(v)}"`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** A text the core stores (a reference, an operator, a name …): a string obeying `rules`. */
export function storedText(rules: TextRules) {
  const schema = z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'it is missing' : `expected text, got ${describeJsonValue(issue.input)}`,
    })
    .superRefine((value, ctx) => {
      const problem = textProblem(value, rules);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
    });
  STORED_TEXT_SCHEMAS.add(schema);
  // The length rules in the OpenAPI documents (the refinement itself has no JSON Schema form).
  z.globalRegistry.add(schema, { minLength: rules.min ?? 1, maxLength: rules.max });
  return schema;
}

/**
 * What is wrong with the type of an amount in minor units, or null: it must be a JSON number. A JSON number
 * beyond ±1.8e308 (e.g. `1e400`) is parsed as Infinity, so "out of range" covers it.
 */
export function amountTypeProblem(value: unknown): string | null {
  if (value === undefined) return 'it is missing';
  if (typeof value === 'string') {
    return (
      `got the string "${printable(value)}"; send a JSON number of minor units without quotes, ` +
      'e.g. 1235 for 12.35 EUR'
    );
  }
  if (typeof value !== 'number') {
    return `got ${describeJsonValue(value)}; send a JSON number of minor units, e.g. 1235 for 12.35 EUR`;
  }
  if (!Number.isFinite(value)) {
    return `the number is out of range; amounts are whole numbers of minor units up to ${Number.MAX_SAFE_INTEGER}`;
  }
  return null;
}

/** What is wrong with an amount in minor units (type, range, fraction), or null. */
export function amountMinorProblem(value: unknown): string | null {
  const typeProblem = amountTypeProblem(value);
  if (typeProblem) return typeProblem;
  const n = value as number;
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER) {
    return `${n} is out of range; amounts are whole numbers of minor units up to ${Number.MAX_SAFE_INTEGER}`;
  }
  if (!Number.isInteger(n)) {
    return `${n} is not a whole number of minor units; send e.g. 1235 for 12.35 EUR (not 12.35)`;
  }
  return null;
}

/**
 * An amount in minor units as a request of the online API or the back office carries it: a finite JSON
 * number. Whether it is whole, safe and positive is the use case's to answer with the catalog's own codes
 * (AMOUNT_NOT_SAFE_INTEGER, AMOUNT_NOT_POSITIVE), which integrations match on.
 */
export const WireAmountMinorSchema = z.number({
  error: (issue) => amountTypeProblem(issue.input) ?? 'expected a JSON number of minor units',
});
// Documented as what to send: a whole number (a fraction is refused by the core with its precise code).
z.globalRegistry.add(WireAmountMinorSchema, {
  type: 'integer',
  description: 'In minor units, a JSON number without quotes: 1235 is 12.35 EUR.',
});

/** An amount as a person reads it: "12.35 EUR" when the currency is known, else the minor units. */
export function showAmount(amountMinor: number, currency: string | null | undefined): string {
  if (currency && isCurrencyCode(currency) && Number.isSafeInteger(amountMinor)) {
    return `${toDecimalString({ amountMinor, currency })} ${currency}`;
  }
  return `${amountMinor} minor units`;
}

/** The value at `path` inside `root` (for saying what a sender sent where a schema refused it). */
export function valueAtPath(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * The first problem zod found, as a property path and a reason a sender can act on. zod 4 does not keep the
 * input in its issues, so a wrong type is told apart from a missing field by looking the value up.
 */
export function describeFirstIssue(error: z.ZodError, root: unknown): { path: string; reason: string } {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  if (issue.code === 'invalid_type') {
    const value = valueAtPath(root, issue.path);
    // zod's own wording ("Invalid input: expected object, received array") is replaced; ours is kept.
    const reason =
      value === undefined
        ? 'it is missing'
        : issue.message.startsWith('Invalid input')
          ? `expected ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}, got ${describeJsonValue(value)}`
          : issue.message;
    return { path, reason };
  }
  if (issue.code === 'unrecognized_keys')
    return { path, reason: `unknown field(s) ${issue.keys.join(', ')}` };
  return { path, reason: issue.message };
}
