// GitHub's published OpenAPI description (npm @octokit/openapi, api.github.com), loaded once
// per process, as the contract the fake GitHub server (fake-github.ts) checks every request
// against: a path-template matcher for routes, and ajv validators for request and response
// bodies. OpenAPI 3.0's `nullable` is rewritten into JSON Schema before ajv sees it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type JsonObject = Record<string, unknown>;

export interface Operation {
  operationId: string;
  method: string;
  /** The path template as GitHub writes it, e.g. `/repos/{owner}/{repo}/check-runs`. */
  template: string;
  /** Path parameters, decoded. */
  params: Record<string, string>;
}

interface Route {
  method: string;
  template: string;
  segments: string[];
  operation: JsonObject;
}

const SCHEMA_ID = 'https://api.github.com/openapi.json';
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head'];

let loaded: GitHubOpenApi | undefined;

/** The contract, parsed once per process (the description is about 13 MB). */
export function githubOpenApi(): GitHubOpenApi {
  loaded ??= new GitHubOpenApi(readDescription());
  return loaded;
}

function readDescription(): JsonObject {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@octokit/openapi/package.json'));
  const file = join(root, 'generated', 'api.github.com.json');
  return toJsonSchema(JSON.parse(readFileSync(file, 'utf8'))) as JsonObject;
}

export class GitHubOpenApi {
  private readonly routes: Route[] = [];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly description: JsonObject) {
    for (const [template, item] of Object.entries(description['paths'] as JsonObject)) {
      for (const method of METHODS) {
        const operation = (item as JsonObject)[method] as JsonObject | undefined;
        if (!operation) continue;
        const segments = template.split('/').slice(1);
        this.routes.push({ method: method.toUpperCase(), template, segments, operation });
      }
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
    addFormats(this.ajv);
    // GitHub answers "" for URLs never set (a deployment status's environment_url), which
    // its description types as format uri; the fake answers the same and accepts it.
    const uri = this.ajv.formats['uri'] as (value: string) => boolean;
    this.ajv.addFormat('uri', (value: string) => value === '' || uri(value));
    this.ajv.addSchema({ $id: SCHEMA_ID, components: description['components'] });
  }

  /** The operation for a method and path; literal segments win over `{parameters}`. */
  match(method: string, path: string): Operation | undefined {
    const segments = path.split('/').slice(1);
    let best: { route: Route; score: number } | undefined;
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const score = matchScore(route.segments, segments);
      if (score !== undefined && (!best || score > best.score)) best = { route, score };
    }
    if (!best) return undefined;
    const { route } = best;
    const params: Record<string, string> = {};
    route.segments.forEach((segment, index) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (name) params[name] = decodeURIComponent(segments[index]!);
    });
    const operationId = String(route.operation['operationId']);
    return { operationId, method, template: route.template, params };
  }

  /** Whether the operation takes a JSON body at all. */
  hasRequestBody(operation: Operation): boolean {
    return this.requestSchema(operation) !== undefined;
  }

  /** ajv's complaints about a request body, empty when GitHub would accept it. */
  requestBodyErrors(operation: Operation, body: unknown): ErrorObject[] {
    const schema = this.requestSchema(operation);
    if (!schema) return [];
    return this.validate(`request ${operation.operationId}`, schema, body);
  }

  /** Where the fake's own answer strays from the documented response, as text. */
  responseErrors(operation: Operation, status: number, body: unknown): string[] {
    const responses = this.operationObject(operation)['responses'] as JsonObject;
    const response = resolve(this.description, responses[String(status)]) as JsonObject;
    if (!response) return [`status ${status} is not documented for ${operation.operationId}`];
    const schema = jsonContent(response)?.['schema'];
    if (schema === undefined) return [];
    const errors = this.validate(`response ${operation.operationId} ${status}`, schema, body);
    return errors.map((error) => `${error.instancePath || '/'} ${error.message}`);
  }

  private requestSchema(operation: Operation): unknown {
    const requestBody = resolve(this.description, this.operationObject(operation)['requestBody']);
    return requestBody ? jsonContent(requestBody as JsonObject)?.['schema'] : undefined;
  }

  private operationObject(operation: Operation): JsonObject {
    const item = (this.description['paths'] as JsonObject)[operation.template] as JsonObject;
    return item[operation.method.toLowerCase()] as JsonObject;
  }

  private validate(key: string, schema: unknown, value: unknown): ErrorObject[] {
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.compile(pointInto(schema) as JsonObject);
      this.validators.set(key, validator);
    }
    return validator(value) ? [] : (validator.errors ?? []);
  }
}

function matchScore(template: string[], segments: string[]): number | undefined {
  let score = 0;
  for (let index = 0; index < template.length; index++) {
    const expected = template[index]!;
    const actual = segments[index]!;
    if (expected.startsWith('{')) {
      if (actual === '') return undefined;
    } else if (expected === actual) {
      score++;
    } else {
      return undefined;
    }
  }
  return score;
}

function jsonContent(holder: JsonObject): JsonObject | undefined {
  const content = holder['content'] as JsonObject | undefined;
  return content?.['application/json'] as JsonObject | undefined;
}

/** Follows a `$ref` inside the description (for requestBodies and responses). */
function resolve(description: JsonObject, value: unknown): unknown {
  const ref = (value as JsonObject | undefined)?.['$ref'];
  if (typeof ref !== 'string') return value;
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as JsonObject)[key.replace(/~1/g, '/')], description);
}

/** Makes a schema's `#/components/...` references point into the schema ajv already holds. */
function pointInto(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(pointInto);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, SCHEMA_ID + value]
        : [key, pointInto(value)],
    ),
  );
}

/**
 * OpenAPI 3.0 marks `nullable: true`; JSON Schema wants null among the types. A typed schema
 * gets `null` added to its type (and enum); an untyped one (oneOf, allOf...) gets wrapped in
 * `anyOf: [schema, {type: null}]`; a bare `nullable` allows anything already.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const converted: JsonObject = {};
  for (const [key, value] of Object.entries(node)) converted[key] = toJsonSchema(value);
  if (converted['nullable'] !== true) return converted;

  delete converted['nullable'];
  if (typeof converted['type'] === 'string') {
    converted['type'] = [converted['type'], 'null'];
    if (Array.isArray(converted['enum'])) converted['enum'] = [...converted['enum'], null];
    return converted;
  }
  const constraints = Object.keys(converted).filter((key) =>
    ['oneOf', 'anyOf', 'allOf', '$ref', 'enum'].includes(key),
  );
  return constraints.length === 0 ? converted : { anyOf: [converted, { type: 'null' }] };
}
