/**
 * The OpenAPI 3.1 document of the back-office and terminal sync APIs, generated from the route declarations
 * (contract.ts) and their zod schemas with `z.toJSONSchema` (draft 2020-12, the dialect OpenAPI 3.1 uses).
 * Schemas are converted on their input side: that is what travels on the wire (a 19-digit id is a string
 * before the schema turns it into a PaymentId).
 */
import { z } from 'zod';
import { catalogEntry, type ErrorCode } from '../../src-shared';
import { ApiErrorResponseSchema } from '../../src-shared/backoffice-api';
import { COMMON_ERRORS, type AnyApiRoute } from './contract';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  if (!schema || !(schema instanceof z.ZodObject)) return {};
  return schema.shape as Record<string, z.ZodType>;
}

function parameters(route: AnyApiRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [name, s] of Object.entries(objectShape(route.params))) {
    out.push({ name, in: 'path', required: true, schema: jsonSchema(s), ...describe(s) });
  }
  for (const [name, s] of Object.entries(objectShape(route.query))) {
    const required = !s.safeParse(undefined).success;
    out.push({ name, in: 'query', required, schema: jsonSchema(s), ...describe(s) });
  }
  return out;
}

const describe = (s: z.ZodType) => (s.description ? { description: s.description } : {});

function errorResponses(codes: readonly ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes, ...COMMON_ERRORS])) {
    const status = catalogEntry(code).httpStatus;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: list
        .map((c) => `\`${c}\` (${catalogEntry(c).errorCode}): ${catalogEntry(c).message}`)
        .join('\n\n'),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorResponse' } } },
    };
  }
  return out;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

export function buildOpenApiDocument(routes: readonly AnyApiRoute[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const operation: JsonSchema = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: [{ [route.auth === 'merchant' ? 'merchantKey' : 'terminalKey']: [] }],
      parameters: [
        ...parameters(route),
        { name: 'Date', in: 'header', required: true, schema: { type: 'string' } },
        ...(route.idempotent
          ? [{ name: 'X-GCS-Idempotence-Key', in: 'header', required: false, schema: { type: 'string' } }]
          : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body) } },
            },
          }
        : {}),
      responses: {
        [String(route.answer.status)]: {
          description: route.answer.description,
          content: { 'application/json': { schema: jsonSchema(route.answer.schema) } },
        },
        ...errorResponses([
          ...route.errors,
          ...(route.auth === 'merchant' ? (['MERCHANT_FORBIDDEN'] as const) : []),
          ...(route.body ? (['REQUEST_BODY_NOT_JSON'] as const) : []),
          ...(route.body && route.auth === 'terminal'
            ? (['SYNC_BODY_DIGEST_MISSING', 'SYNC_BODY_DIGEST_MISMATCH'] as const)
            : []),
        ]),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  const v1hmac =
    'v1HMAC as in the online API: `Authorization: GCS v1HMAC:<keyId>:<base64 HMAC-SHA256>` over method, ' +
    'content type, Date, X-GCS-* headers and path, with a Date within the skew window. It does not sign the ' +
    'body: terminal (sync) requests with a body also send X-GCS-Content-SHA256, the base64 SHA-256 of the ' +
    'exact body bytes, which the signature covers.';
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { ApiErrorResponse: jsonSchema(ApiErrorResponseSchema) },
      securitySchemes: {
        merchantKey: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: `${v1hmac} Signed with a merchant API key (npm run core -- create-api-key).`,
        },
        terminalKey: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: `${v1hmac} Signed with a terminal key (npm run core -- enroll-terminal).`,
        },
      },
    },
  };
}
