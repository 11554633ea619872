/**
 * OpenAPI 3.1 documents generated from the route declarations (contract.ts) and their zod schemas with
 * `z.toJSONSchema` (draft 2020-12, the dialect OpenAPI 3.1 uses): one for the online API, one for the back
 * office and terminal sync. Schemas are converted on their input side: that is what travels on the wire (a
 * 19-digit id is a string before the schema turns it into a PaymentId). A schema registered with an `id`
 * (`.meta({ id })`, e.g. the online API's SDK type names) becomes a named entry of `components.schemas`, and
 * every use of it a `$ref` there.
 */
import { z } from 'zod';
import { catalogEntry, type ErrorCode } from '../../src-shared';
import { ApiErrorResponseSchema } from '../../src-shared/backoffice-api';
import { COMMON_ERRORS, type AnyApiRoute, type RouteAuth } from './contract';

type JsonSchema = Record<string, unknown>;

const COMPONENT_REF = '#/components/schemas/';

/**
 * The named schemas of one document. `toJsonSchema` converts a schema, moves the named schemas it uses
 * (`$defs`) into the components and points its references there; a name used for two different schemas
 * is a bug and throws.
 */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  toJsonSchema(schema: z.ZodType): JsonSchema {
    const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    delete s.$schema;
    const defs = (s.$defs ?? {}) as Record<string, JsonSchema>;
    delete s.$defs;
    for (const [name, def] of Object.entries(defs)) this.add(name, pointToComponents(def) as JsonSchema);
    return pointToComponents(s) as JsonSchema;
  }

  add(name: string, schema: JsonSchema): JsonSchema {
    const known = this.schemas[name];
    if (known && JSON.stringify(known) !== JSON.stringify(schema)) {
      throw new Error(`two different schemas are named ${name} in one OpenAPI document`);
    }
    this.schemas[name] = schema;
    return { $ref: `${COMPONENT_REF}${name}` };
  }
}

/** `#/$defs/X` (references inside one converted schema) → `#/components/schemas/X`. */
function pointToComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointToComponents);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
        ? COMPONENT_REF + v.slice('#/$defs/'.length)
        : pointToComponents(v);
  }
  return out;
}

function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  if (!schema || !(schema instanceof z.ZodObject)) return {};
  return schema.shape as Record<string, z.ZodType>;
}

const describe = (s: z.ZodType) => (s.description ? { description: s.description } : {});

function parameters(route: AnyApiRoute, components: Components): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [name, s] of Object.entries(objectShape(route.params))) {
    out.push({ name, in: 'path', required: true, schema: components.toJsonSchema(s), ...describe(s) });
  }
  for (const [name, s] of Object.entries(objectShape(route.query))) {
    const required = !s.safeParse(undefined).success;
    out.push({ name, in: 'query', required, schema: components.toJsonSchema(s), ...describe(s) });
  }
  return out;
}

/** The catalog codes a route may answer with: its own (`errors`), every route's, and those of its kind. */
function errorCodes(route: AnyApiRoute): ErrorCode[] {
  return [
    ...route.errors,
    ...COMMON_ERRORS,
    ...(route.auth === 'merchant' ? (['MERCHANT_FORBIDDEN'] as const) : []),
    ...(route.body ? (['REQUEST_BODY_NOT_JSON'] as const) : []),
    ...(route.body && route.auth === 'terminal'
      ? (['SYNC_BODY_DIGEST_MISSING', 'SYNC_BODY_DIGEST_MISMATCH'] as const)
      : []),
  ];
}

function errorResponses(codes: readonly ErrorCode[], schema: JsonSchema): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = catalogEntry(code).httpStatus;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: list
        .map((c) => `\`${c}\` (${catalogEntry(c).errorCode}): ${catalogEntry(c).message}`)
        .join('\n\n'),
      content: { 'application/json': { schema } },
    };
  }
  return out;
}

const IDEMPOTENCE_REPLAY_HEADER = {
  'X-GCS-Idempotence-Request-Timestamp': {
    description:
      'Only on a replay: the answer is the stored answer of the first request with this idempotence key, ' +
      'which arrived at this time (epoch milliseconds).',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

function successResponse(route: AnyApiRoute, components: Components): JsonSchema {
  const empty = route.answer.schema instanceof z.ZodNull;
  return {
    description: route.answer.description,
    ...(route.idempotent ? { headers: IDEMPOTENCE_REPLAY_HEADER } : {}),
    ...(empty
      ? {}
      : { content: { 'application/json': { schema: components.toJsonSchema(route.answer.schema) } } }),
  };
}

export interface SecuritySchemeText {
  /** The scheme's key in `components.securitySchemes`. */
  name: string;
  description: string;
}

export interface OpenApiOptions {
  title: string;
  version: string;
  description: string;
  /** `servers` of the document; absent → none (relative to where the document was loaded from). */
  servers?: { url: string; description: string }[];
  /** Security scheme per kind of key; absent → `merchantKey` / `terminalKey` with the back office's texts. */
  security?: Partial<Record<RouteAuth, SecuritySchemeText>>;
  /** The error shape every error answer has; absent → `ApiErrorResponse`. */
  errorResponse?: z.ZodType;
}

const V1HMAC =
  'v1HMAC as in the online API: `Authorization: GCS v1HMAC:<keyId>:<base64 HMAC-SHA256>` over method, ' +
  'content type, Date, X-GCS-* headers and path, with a Date within the skew window. It does not sign the ' +
  'body: terminal (sync) requests with a body also send X-GCS-Content-SHA256, the base64 SHA-256 of the ' +
  'exact body bytes, which the signature covers.';

const DEFAULT_SECURITY: Record<RouteAuth, SecuritySchemeText> = {
  merchant: {
    name: 'merchantKey',
    description: `${V1HMAC} Signed with a merchant API key (npm run core -- create-api-key).`,
  },
  terminal: {
    name: 'terminalKey',
    description: `${V1HMAC} Signed with a terminal key (npm run core -- enroll-terminal).`,
  },
};

export function buildOpenApiDocument(routes: readonly AnyApiRoute[], options: OpenApiOptions): JsonSchema {
  const components = new Components();
  const security = { ...DEFAULT_SECURITY, ...options.security };
  const defaultErrors = options.errorResponse
    ? components.toJsonSchema(options.errorResponse)
    : components.add('ApiErrorResponse', components.toJsonSchema(ApiErrorResponseSchema));
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const errorSchema = route.errorAnswer ? components.toJsonSchema(route.errorAnswer) : defaultErrors;
    const operation: JsonSchema = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: [{ [security[route.auth].name]: [] }],
      parameters: [
        ...parameters(route, components),
        { name: 'Date', in: 'header', required: true, schema: { type: 'string' } },
        ...(route.idempotent
          ? [{ name: 'X-GCS-Idempotence-Key', in: 'header', required: false, schema: { type: 'string' } }]
          : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: !route.body.safeParse({}).success,
              content: { 'application/json': { schema: components.toJsonSchema(route.body) } },
            },
          }
        : {}),
      responses: {
        [String(route.answer.status)]: successResponse(route, components),
        ...errorResponses(errorCodes(route), errorSchema),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  const usedAuth = [...new Set(routes.map((r) => r.auth))].sort();
  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, description: options.description },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.servers ? { servers: options.servers } : {}),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: Object.fromEntries(
        usedAuth.map((auth) => [
          security[auth].name,
          { type: 'apiKey', in: 'header', name: 'Authorization', description: security[auth].description },
        ]),
      ),
    },
  };
}
