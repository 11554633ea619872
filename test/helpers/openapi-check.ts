/**
 * Checks for the OpenAPI documents the core serves, written here because no OpenAPI 3.1 validator is a
 * dependency: `openApiProblems` checks the structure OpenAPI 3.1 requires (and what tools rely on:
 * resolvable references, declared path parameters, unique operation ids, defined security schemes), and
 * `schemaProblems` validates a JSON value against a schema of the document for the subset of JSON Schema
 * 2020-12 the generator emits. An unknown keyword is a problem, never skipped, so neither check passes by
 * not understanding. `strict` also refuses an object property the schema does not list (unless it allows
 * more with `additionalProperties`): the answer sends nothing the document does not describe.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- walks JSON */
type Json = any;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const PARAMETER_PLACES = new Set(['path', 'query', 'header', 'cookie']);

/** The value at a local reference `#/a/b`, or undefined. */
export function resolveRef(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) return undefined;
  let at: Json = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object' || !(key in at)) return undefined;
    at = at[key];
  }
  return at;
}

function walk(value: Json, path: string, visit: (v: Json, path: string) => void): void {
  if (value === null || typeof value !== 'object') return;
  visit(value, path);
  for (const [k, v] of Object.entries(value)) walk(v, `${path}/${k}`, visit);
}

export function openApiProblems(doc: Json): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  need(typeof doc?.openapi === 'string' && /^3\.1\.\d+$/.test(doc.openapi), 'openapi is not 3.1.x');
  need(typeof doc?.info?.title === 'string' && doc.info.title.length > 0, 'info.title is missing');
  need(typeof doc?.info?.version === 'string' && doc.info.version.length > 0, 'info.version is missing');
  if (doc?.servers !== undefined) {
    need(
      Array.isArray(doc.servers) && doc.servers.every((s: Json) => typeof s?.url === 'string'),
      'servers must be a list of {url}',
    );
  }
  need(doc?.paths !== null && typeof doc?.paths === 'object', 'paths is missing');
  const schemes = doc?.components?.securitySchemes ?? {};
  for (const [name, scheme] of Object.entries<Json>(schemes)) {
    need(
      ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(scheme?.type),
      `security scheme ${name} has no valid type`,
    );
    if (scheme?.type === 'apiKey') {
      need(typeof scheme.name === 'string', `apiKey scheme ${name} needs a name`);
      need(['query', 'header', 'cookie'].includes(scheme.in), `apiKey scheme ${name} needs in`);
    }
  }
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc?.paths ?? {})) {
    need(path.startsWith('/'), `path ${path} does not start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries<Json>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.has(method)) {
        problems.push(`${where}: ${method} is not an HTTP method`);
        continue;
      }
      need(typeof op.operationId === 'string', `${where}: no operationId`);
      need(!operationIds.has(op.operationId), `${where}: operationId ${op.operationId} is used twice`);
      operationIds.add(op.operationId);
      const params: Json[] = op.parameters ?? [];
      for (const p of params) {
        need(typeof p.name === 'string' && PARAMETER_PLACES.has(p.in), `${where}: malformed parameter`);
        need(
          p.schema !== undefined || p.content !== undefined,
          `${where}: parameter ${p.name} has no schema`,
        );
        if (p.in === 'path') {
          need(p.required === true, `${where}: path parameter ${p.name} must be required`);
          need(templated.includes(p.name), `${where}: path parameter ${p.name} is not in the path`);
        }
      }
      for (const name of templated) {
        need(
          params.some((p) => p.in === 'path' && p.name === name),
          `${where}: {${name}} is not declared as a path parameter`,
        );
      }
      const responses = Object.entries<Json>(op.responses ?? {});
      need(responses.length > 0, `${where}: no responses`);
      need(
        responses.some(([status]) => /^2\d\d$/.test(status)),
        `${where}: no success response`,
      );
      for (const [status, response] of responses) {
        need(/^([1-5]\d\d|[1-5]XX|default)$/.test(status), `${where}: ${status} is not a status`);
        need(typeof response.description === 'string', `${where} ${status}: no description`);
        for (const [type, media] of Object.entries<Json>(response.content ?? {})) {
          need(media?.schema !== undefined, `${where} ${status} ${type}: no schema`);
        }
      }
      if (op.requestBody) {
        need(
          Object.values<Json>(op.requestBody.content ?? {}).some((m) => m?.schema !== undefined),
          `${where}: request body without a schema`,
        );
      }
      for (const requirement of op.security ?? []) {
        for (const name of Object.keys(requirement)) {
          need(name in schemes, `${where}: security scheme ${name} is not defined`);
        }
      }
    }
  }
  walk(doc, '#', (v, path) => {
    if (typeof v.$ref === 'string') {
      need(resolveRef(doc, v.$ref) !== undefined, `${path}: $ref ${v.$ref} does not resolve`);
    }
  });
  return problems;
}

const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', 'deprecated']);
const TYPES: Record<string, (v: Json) => boolean> = {
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
};

/** Problems of `value` against `schema` (a schema of `doc`); [] when it validates. */
export function schemaProblems(
  doc: Json,
  schema: Json,
  value: Json,
  options: { strict?: boolean } = {},
  at = '',
): string[] {
  const here = at || '(root)';
  if (schema === true || (schema && typeof schema === 'object' && Object.keys(schema).length === 0))
    return [];
  if (schema === false) return [`${here}: nothing is allowed here`];
  const out: string[] = [];
  for (const [keyword, arg] of Object.entries<Json>(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case '$ref': {
        const target = resolveRef(doc, arg);
        if (target === undefined) out.push(`${here}: $ref ${arg} does not resolve`);
        else out.push(...schemaProblems(doc, target, value, options, at));
        break;
      }
      case 'type': {
        const types: string[] = Array.isArray(arg) ? arg : [arg];
        if (!types.some((t) => TYPES[t]?.(value))) out.push(`${here}: expected ${types.join('|')}`);
        break;
      }
      case 'properties':
        if (TYPES.object!(value)) {
          for (const [k, sub] of Object.entries<Json>(arg)) {
            if (k in value) out.push(...schemaProblems(doc, sub, value[k], options, `${at}.${k}`));
          }
        }
        break;
      case 'required':
        if (TYPES.object!(value)) {
          for (const k of arg as string[]) if (!(k in value)) out.push(`${here}: ${k} is missing`);
        }
        break;
      case 'additionalProperties':
        if (TYPES.object!(value)) {
          for (const k of Object.keys(value)) {
            if (!(k in (schema.properties ?? {}))) {
              out.push(...schemaProblems(doc, arg, value[k], options, `${at}.${k}`));
            }
          }
        }
        break;
      case 'items':
        if (Array.isArray(value)) {
          value.forEach((v, i) => out.push(...schemaProblems(doc, arg, v, options, `${at}[${i}]`)));
        }
        break;
      case 'enum':
        if (!(arg as Json[]).some((e) => e === value))
          out.push(`${here}: ${JSON.stringify(value)} not in enum`);
        break;
      case 'const':
        if (value !== arg) out.push(`${here}: expected ${JSON.stringify(arg)}`);
        break;
      case 'anyOf': {
        const each = (arg as Json[]).map((s) => schemaProblems(doc, s, value, options, at));
        if (!each.some((p) => p.length === 0)) out.push(`${here}: matches none of anyOf (${each.flat()[0]})`);
        break;
      }
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(arg, 'u').test(value)) {
          out.push(`${here}: ${JSON.stringify(value)} does not match ${arg}`);
        }
        break;
      case 'minimum':
        if (typeof value === 'number' && value < arg) out.push(`${here}: below ${arg}`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > arg) out.push(`${here}: above ${arg}`);
        break;
      case 'minLength':
        if (typeof value === 'string' && [...value].length < arg) out.push(`${here}: shorter than ${arg}`);
        break;
      case 'maxLength':
        if (typeof value === 'string' && [...value].length > arg) out.push(`${here}: longer than ${arg}`);
        break;
      default:
        out.push(`${here}: the checker does not know the keyword ${keyword}`);
    }
  }
  if (
    options.strict &&
    TYPES.object!(value) &&
    schema.properties &&
    schema.additionalProperties === undefined
  ) {
    for (const k of Object.keys(value)) {
      if (!(k in schema.properties)) out.push(`${at}.${k}: sent but not in the document`);
    }
  }
  return out;
}
