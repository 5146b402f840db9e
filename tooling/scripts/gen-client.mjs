#!/usr/bin/env node
// Generates packages/client/src/generated.ts, the typed client of the primary
// API, from the OpenAPI document the API serves. The document is built
// in-process from the BUILT API (apps/api/dist): no server, no network.
//
//   pnpm gen:client            write the file
//   pnpm gen:client --check    exit 1 when the committed file is stale
//
// The output depends on the document only: operations and schemas are
// sorted, there is no timestamp, and it is formatted with the repository's
// Biome, so regenerating an unchanged API changes no byte.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const API_DIST = join(ROOT, 'apps', 'api', 'dist', 'index.js');
const TARGET = join(ROOT, 'packages', 'client', 'src', 'generated.ts');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];
/** Component names that would shadow a global TypeScript / DOM name. */
const RESERVED = new Set([
  'Array',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'Headers',
  'Map',
  'Number',
  'Object',
  'Promise',
  'Record',
  'Request',
  'Response',
  'Set',
  'String',
  'Symbol',
  'URL',
]);

// ---------------------------------------------------------------- naming

const words = (text) =>
  text
    .replace(/\.[a-z]+$/i, '') // openapi.json -> openapi
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean);
const pascal = (text) =>
  words(text)
    .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
    .join('');
const camel = (text) => {
  const p = pascal(text);
  return p[0].toLowerCase() + p.slice(1);
};
const singular = (word) =>
  word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.endsWith('s') ? word.slice(0, -1) : word;

function typeName(component) {
  const name = pascal(component);
  return RESERVED.has(name) ? `${name}Body` : name;
}

/**
 * A method name from the operationId when the route declares one, else from
 * the method and path: GET /api/incidents -> listIncidents (a page),
 * GET /api/incidents/{id} -> getIncident, POST /api/process_log -> processLog,
 * POST /api/actions/{id}/approve -> approveAction.
 */
function methodName(method, path, operation, response) {
  if (operation.operationId) return camel(operation.operationId);
  const segments = path.split('/').filter((s) => s && s !== 'api');
  const isParam = (s) => s.startsWith('{');
  const last = segments.at(-1) ?? 'root';
  if (method === 'get' || method === 'head') {
    const verb = method === 'head' ? 'head' : 'get';
    if (isParam(last)) {
      const resource = segments.filter((s) => !isParam(s)).at(-1) ?? 'item';
      return `${verb}${pascal(singular(resource))}`;
    }
    const isPage =
      response?.properties &&
      'items' in response.properties &&
      'next_cursor' in response.properties;
    return `${isPage && verb === 'get' ? 'list' : verb}${segments
      .filter((s) => !isParam(s))
      .map(pascal)
      .join('')}`;
  }
  const params = segments.filter(isParam);
  if (params.length === 0) {
    return method === 'post'
      ? camel(segments.join('_'))
      : `${method}${segments.map(pascal).join('')}`;
  }
  if (isParam(last)) {
    const resource = segments.filter((s) => !isParam(s)).at(-1) ?? 'item';
    const verb = { put: 'replace', patch: 'update', delete: 'delete', post: 'post' }[method];
    return `${verb}${pascal(singular(resource))}`;
  }
  const resource = segments.filter((s) => !isParam(s)).at(-2) ?? 'item';
  return `${camel(last)}${pascal(singular(resource))}`;
}

// ---------------------------------------------------------------- types

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

function docComment(lines, indent) {
  const text = lines
    .filter((line) => line !== null && line !== undefined)
    .join('\n')
    .replaceAll('*/', '*\\/')
    .trim();
  if (!text) return '';
  const body = text.split('\n');
  if (body.length === 1) return `${indent}/** ${body[0]} */\n`;
  return `${indent}/**\n${body.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

function describe(schema) {
  const notes = [];
  if (schema.description) notes.push(schema.description);
  if (schema.format) notes.push(`Format: ${schema.format}.`);
  if (schema.default !== undefined) notes.push(`Default: ${JSON.stringify(schema.default)}.`);
  return notes;
}

/** Parenthesises a union or intersection (an operator outside any braces) before `[]` or `&`. */
function wrap(type) {
  let depth = 0;
  for (const ch of type) {
    if (ch === '{' || ch === '(' || ch === '<') depth++;
    else if (ch === '}' || ch === ')' || ch === '>') depth--;
    else if (depth === 0 && (ch === '|' || ch === '&')) return `(${type})`;
  }
  return type;
}

/** A TypeScript type for a JSON Schema (the subset zod-openapi emits for OpenAPI 3.1). */
function tsType(schema, indent = '') {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (schema.$ref) return typeName(schema.$ref.split('/').at(-1));
  if (schema.allOf) return schema.allOf.map((s) => wrap(tsType(s, indent))).join(' & ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map((s) => wrap(tsType(s, indent))))].join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) {
    return types.map((t) => wrap(tsType({ ...schema, type: t }, indent))).join(' | ');
  }
  const type =
    types[0] ?? (schema.properties || schema.additionalProperties ? 'object' : undefined);
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${wrap(tsType(schema.items, indent))}[]`;
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

function objectType(schema, indent) {
  const properties = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  const extraType =
    extra === undefined || extra === false ? null : tsType(extra === true ? {} : extra, indent);
  if (properties.length === 0) {
    return extraType === null ? 'Record<string, never>' : `Record<string, ${extraType}>`;
  }
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines = properties.map(
    ([name, property]) =>
      `${docComment(describe(property), inner)}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${tsType(property, inner)};`,
  );
  // Declared properties and an index signature: the signature must admit them all.
  if (extraType !== null) lines.push(`${inner}[key: string]: unknown;`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function declaration(name, schema, notes = []) {
  const type = tsType(schema);
  const comment = docComment([...notes, ...describe(schema)], '');
  return type.startsWith('{')
    ? `${comment}export interface ${name} ${type}\n`
    : `${comment}export type ${name} = ${type};\n`;
}

// ---------------------------------------------------------------- operations

function jsonSchemaOf(content) {
  if (!content) return null;
  const json = Object.entries(content).find(([type]) =>
    /^application\/(?:[\w.-]+\+)?json$/.test(type),
  );
  if (json) return { kind: 'json', schema: json[1].schema ?? {} };
  const text = Object.entries(content).find(([type]) => type.startsWith('text/'));
  if (text) return { kind: 'text', mediaType: text[0], schema: { type: 'string' } };
  return null;
}

function collectOperations(document) {
  const operations = [];
  const paths = Object.keys(document.paths ?? {}).sort();
  for (const path of paths) {
    const item = document.paths[path];
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      // The WebSocket and pages meant for browsers are not JSON operations.
      if (operation['x-websocket']) continue;
      const success = Object.keys(operation.responses ?? {})
        .filter((status) => /^2\d\d$/.test(status))
        .sort()[0];
      const response = success ? jsonSchemaOf(operation.responses[success].content) : null;
      if (response?.kind === 'text' && response.mediaType === 'text/html') continue;
      const resolved = response?.schema?.$ref
        ? document.components?.schemas?.[response.schema.$ref.split('/').at(-1)]
        : response?.schema;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) =>
        p.$ref ? document.components.parameters[p.$ref.split('/').at(-1)] : p,
      );
      operations.push({
        method,
        path,
        operation,
        name: methodName(method, path, operation, resolved),
        response,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: operation.requestBody
          ? {
              required: operation.requestBody.required === true,
              ...jsonSchemaOf(operation.requestBody.content),
            }
          : null,
      });
    }
  }
  const seen = new Map();
  for (const op of operations) {
    if (seen.has(op.name)) {
      throw new Error(
        `two operations would both be called ${op.name}: ${seen.get(op.name)} and ${op.method.toUpperCase()} ${op.path}; give one an operationId`,
      );
    }
    seen.set(op.name, `${op.method.toUpperCase()} ${op.path}`);
  }
  return operations;
}

/** A named type for an inline schema, or the component's name. */
function namedType(schema, fallbackName, declarations) {
  if (schema.$ref) return typeName(schema.$ref.split('/').at(-1));
  const type = tsType(schema);
  if (!type.startsWith('{') && !type.includes('|')) return type;
  declarations.push(declaration(fallbackName, schema));
  return fallbackName;
}

function emitOperation(op, declarations) {
  const Name = pascal(op.name);
  const args = [];
  const { summary, description } = op.operation;
  const docs = [
    summary,
    description && description !== summary ? description : null,
    '',
    `\`${op.method.toUpperCase()} ${op.path}\``,
  ];
  for (const param of op.pathParams) {
    args.push(`${camel(param.name)}: ${tsType(param.schema ?? { type: 'string' })}`);
  }
  let query = 'undefined';
  if (op.queryParams.length > 0) {
    const schema = {
      type: 'object',
      properties: Object.fromEntries(
        op.queryParams.map((p) => [
          p.name,
          { ...(p.schema ?? {}), ...(p.description ? { description: p.description } : {}) },
        ]),
      ),
      required: op.queryParams.filter((p) => p.required).map((p) => p.name),
    };
    const queryType = `${Name}Query`;
    declarations.push(
      declaration(queryType, schema, [
        `Query parameters of \`${op.method.toUpperCase()} ${op.path}\`.`,
      ]),
    );
    const anyRequired = op.queryParams.some((p) => p.required);
    args.push(`query${anyRequired ? '' : '?'}: ${queryType}`);
    query = 'query';
  }
  let body = 'undefined';
  if (op.body?.kind === 'json') {
    const bodyType = namedType(op.body.schema, `${Name}Request`, declarations);
    args.push(`body${op.body.required ? '' : '?'}: ${bodyType}`);
    body = 'body';
  }
  args.push('options?: RequestOptions');
  let result = 'void';
  let parse = 'none';
  if (op.response?.kind === 'json') {
    result = namedType(op.response.schema, `${Name}Response`, declarations);
    parse = 'json';
  } else if (op.response?.kind === 'text') {
    result = 'string';
    parse = 'text';
  }
  const path = op.path
    .replace(/^\//, '')
    .replace(/\{([^}]+)\}/g, (_m, name) => `\${encodeURIComponent(${camel(name)})}`);
  const pathLiteral = path.includes('${') ? `\`${path}\`` : `'${path}'`;
  const input = [
    query === 'query' ? 'query' : 'query: undefined',
    body === 'body' ? 'body' : 'body: undefined',
    `parse: '${parse}'`,
  ].join(', ');
  return `${docComment(docs, '  ')}  ${op.name}(${args.join(', ')}): Promise<${result}> {
    return this.#request<${result}>('${op.method}', ${pathLiteral}, { ${input} }, options);
  }
`;
}

// ---------------------------------------------------------------- file

function render(document) {
  const info = document.info ?? {};
  const schemas = document.components?.schemas ?? {};
  const componentNames = Object.keys(schemas).sort();
  const declarations = [];
  const operations = collectOperations(document);
  const methods = operations.map((op) => emitOperation(op, declarations));
  const errorCodes = schemas.Error?.properties?.error?.properties?.code?.enum ?? [];

  return `// Generated by tooling/scripts/gen-client.mjs from the OpenAPI document of
// ${info.title ?? 'the API'} ${info.version ?? ''}. Do not edit: change the API's schemas and run
// \`pnpm gen:client\` (CI fails while this file is stale).
import ky, { HTTPError, type KyInstance } from 'ky';

/** The API version this client was generated from. */
export const API_VERSION = ${JSON.stringify(info.version ?? '')};

// ---------------------------------------------------------------- schemas

${componentNames.map((name) => declaration(typeName(name), schemas[name])).join('\n')}
// ---------------------------------------------------------------- operation types

${declarations.join('\n')}
// ---------------------------------------------------------------- errors

/** The contract's closed set of error codes. */
export type ErrorCode = ${errorCodes.map((c) => JSON.stringify(c)).join(' | ') || 'string'};

/**
 * Any answer that is not 2xx. \`status\` is the HTTP status; \`code\`,
 * \`message\` and \`requestId\` come from the contract's error body
 * (\`{"error":{"code","message","request_id"}}\`). \`body\` is that body, or
 * null when the answer was not one (a proxy's HTML page, \`/api/ready\`'s
 * 503); \`data\` is whatever the answer held, parsed when it was JSON.
 */
export class DevOpsAgentError extends Error {
  readonly status: number;
  readonly code: ErrorCode | null;
  readonly requestId: string | null;
  readonly body: ErrorBody | null;
  readonly data: unknown;
  readonly retryAfterSec: number | null;
  readonly response: Response;

  constructor(response: Response, data: unknown) {
    const body = isErrorBody(data) ? data : null;
    super(body ? \`\${body.error.code}: \${body.error.message}\` : \`HTTP \${response.status} from \${response.url}\`);
    this.name = 'DevOpsAgentError';
    this.status = response.status;
    this.code = body?.error.code ?? null;
    this.requestId = body?.error.request_id ?? response.headers.get('X-Request-Id');
    this.body = body;
    this.data = data;
    const retryAfter = Number(response.headers.get('Retry-After'));
    this.retryAfterSec = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
    this.response = response;
  }

  static async from(response: Response): Promise<DevOpsAgentError> {
    const text = await response.text().catch(() => '');
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text.
    }
    return new DevOpsAgentError(response, data);
  }
}

function isErrorBody(data: unknown): data is ErrorBody {
  const error = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

// ---------------------------------------------------------------- client

export interface DevOpsAgentClientOptions {
  /** Where the API listens. Default: \`http://127.0.0.1:5000\`. */
  baseUrl?: string;
  /** Sent as the \`X-API-Key\` header. */
  apiKey?: string;
  /**
   * Retries of idempotent calls (GET, HEAD, PUT, DELETE) after a network
   * error or a 408, 429, 500, 502, 503 or 504, honouring \`Retry-After\`.
   * POST is never retried: an analysis may have run. Default: 2.
   */
  retries?: number;
  /** Per attempt, in milliseconds, or false for none. Default: 30000. */
  timeoutMs?: number | false;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

type QueryValue = string | number | boolean | null | undefined;

/** The devops-agent HTTP API: one typed method per operation. */
export class DevOpsAgentClient {
  readonly #http: KyInstance;

  constructor(options: DevOpsAgentClientOptions = {}) {
    this.#http = ky.create({
      prefixUrl: options.baseUrl ?? 'http://127.0.0.1:5000',
      headers: {
        Accept: 'application/json',
        ...options.headers,
        ...(options.apiKey ? { 'X-API-Key': options.apiKey } : {}),
      },
      timeout: options.timeoutMs ?? 30_000,
      retry: {
        limit: options.retries ?? 2,
        methods: ['get', 'head', 'put', 'delete'],
        statusCodes: [408, 429, 500, 502, 503, 504],
        afterStatusCodes: [429, 503],
      },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

${methods.join('\n')}
  async #request<T>(
    method: string,
    path: string,
    input: { query: object | undefined; body: unknown; parse: 'json' | 'text' | 'none' },
    options: RequestOptions = {},
  ): Promise<T> {
    const searchParams = new URLSearchParams();
    for (const [name, value] of Object.entries(input.query ?? {}) as [string, QueryValue][]) {
      if (value !== undefined && value !== null) searchParams.set(name, String(value));
    }
    try {
      const response = await this.#http(path, {
        method,
        ...(searchParams.size > 0 ? { searchParams } : {}),
        ...(input.body === undefined ? {} : { json: input.body }),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
      });
      if (input.parse === 'json') return (await response.json()) as T;
      if (input.parse === 'text') return (await response.text()) as T;
      return undefined as T;
    } catch (error) {
      if (error instanceof HTTPError) throw await DevOpsAgentError.from(error.response);
      throw error;
    }
  }
}
`;
}

function format(source) {
  // The repository's Biome, so the file also passes \`biome check\`.
  return execFileSync(BIOME, ['format', `--stdin-file-path=${TARGET}`], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function main() {
  const check = process.argv.includes('--check');
  if (!existsSync(API_DIST)) {
    console.error(
      `gen-client: ${relative(ROOT, API_DIST)} is missing; build the API first (pnpm exec turbo run build --filter=@agent/api)`,
    );
    process.exit(2);
  }
  const { buildOpenApiDocument } = await import(pathToFileURL(API_DIST).href);
  const document = await buildOpenApiDocument();
  const source = format(render(document));
  const target = relative(ROOT, TARGET);
  if (check) {
    const current = existsSync(TARGET) ? readFileSync(TARGET, 'utf8') : '';
    if (current !== source) {
      const a = current.split('\n');
      const b = source.split('\n');
      const differs = a.findIndex((l, i) => l !== b[i]);
      const line = differs === -1 ? Math.min(a.length, b.length) : differs;
      console.error(
        `gen-client: ${target} is stale against the API's schemas (first difference at line ${line + 1}).\n` +
          'Run `pnpm gen:client` and commit the result.',
      );
      process.exit(1);
    }
    console.log(`gen-client: ${target} is up to date`);
    return;
  }
  writeFileSync(TARGET, source);
  console.log(`gen-client: wrote ${target}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`gen-client: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
