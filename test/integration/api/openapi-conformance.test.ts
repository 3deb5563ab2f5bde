/**
 * `/openapi.json` says what each handler does, route by route: its path parameters are the
 * template's, a body it publishes as required is refused when absent (400 naming the
 * body), a body it publishes as optional may be left out, and a path parameter it
 * publishes is validated (400 naming it). Each route's real handler module is invoked with
 * built payload 2.0 events on DynamoDB Local, so the optional-body routes run through to
 * their use case (404: the record does not exist) instead of stopping at validation.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pathParameterNamesOf, type RouteDefinition } from '#shared/platform/http/route-definition.ts';
import { ROUTES } from '#shared/wiring/routes.ts';
import * as z from '#shared/core/zod.ts';
import { httpEvent, invoke, jsonBody, practitionerClaims, type TestableHandler } from '#test/support/http-event.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
}
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required?: boolean };
}
interface OpenApiDocument {
  readonly paths: Record<string, Record<string, Operation>>;
}
interface Problem {
  readonly errors?: readonly { path: string }[];
}

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

let table: TestTable;
let document: OpenApiDocument;
const handlers = new Map<string, TestableHandler>();

const operationOf = (route: RouteDefinition): Operation => {
  const operation = document.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${route.method} ${route.path} is not in the document.`);
  return operation;
};

/** Path parameters the route's schema accepts: a fresh ULID, or an alert's `<ulid>.<ulid>`. */
const validPathParameters = (route: RouteDefinition): Record<string, string> => {
  const names = pathParameterNamesOf(route.path);
  // A parameter restricted to a closed set (the FHIR face's `{operation}`) takes its first value.
  const shape = (route.request?.path?._zod.def.shape ?? {}) as Record<string, { _zod: { def: { type: string; entries?: object } } }>;
  const closed = (name: string) =>
    shape[name]?._zod.def.type === 'enum' ? Object.values(shape[name]!._zod.def.entries ?? {})[0] : undefined;
  for (const value of [ulid(), `${ulid()}.${ulid()}`]) {
    const parameters = Object.fromEntries(names.map((name) => [name, String(closed(name) ?? value)]));
    if (!route.request?.path || z.safeParse(route.request.path, parameters).success) return parameters;
  }
  throw new Error(`No test value fits the path parameters of ${route.operationId}.`);
};

/** A JSON request with no body, to the route's template filled with `parameters`. */
const bodylessRequest = (route: RouteDefinition, parameters: Record<string, string>) =>
  httpEvent({
    method: route.method,
    path: route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(parameters[name]!)),
    routeKey: `${route.method} ${route.path}`,
    // The media type the route's body is published in (a form for the FHIR face's POST search).
    headers: { 'content-type': route.request?.bodyEncoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
    claims: practitionerClaims(),
    ...(Object.keys(parameters).length > 0 ? { pathParameters: parameters } : {}),
  });

const call = (route: RouteDefinition, parameters: Record<string, string>) =>
  invoke(handlers.get(route.entry)!, bodylessRequest(route, parameters));

/** The fields an error names: a problem's `errors[].path`, or an OperationOutcome's issue expressions (the FHIR face). */
const fieldsNamed = (result: { body?: string }): string[] => {
  const body = jsonBody<Problem & { resourceType?: string; issue?: { expression?: string[] }[] }>(result);
  if (body.resourceType === 'OperationOutcome') return (body.issue ?? []).flatMap((issue) => issue.expression ?? []);
  return (body.errors ?? []).map((error) => error.path);
};

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  table = await createTestTable('openapi');
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    JOINTLY_SUBJECT_HASH_KEY: 's'.repeat(40),
    JOINTLY_CURSOR_KEY: 'c'.repeat(40),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  for (const entry of new Set(ROUTES.map((route) => route.entry))) {
    const module = (await import(/* @vite-ignore */ pathToFileURL(resolve(REPO_ROOT, entry)).href)) as { handler: TestableHandler };
    handlers.set(entry, module.handler);
  }
  const openApi = ROUTES.find((route) => route.operationId === 'getOpenApi')!;
  document = jsonBody<OpenApiDocument>(await invoke(handlers.get(openApi.entry)!, httpEvent({ method: 'GET', path: openApi.path })));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await table?.drop();
});

const byLabel = (routes: readonly RouteDefinition[]) => routes.map((route) => [`${route.method} ${route.path}`, route] as const);
const withBody = ROUTES.filter((route) => route.request?.body);
const withPathParameters = ROUTES.filter((route) => pathParameterNamesOf(route.path).length > 0);

describe('the OpenAPI document against the handlers', () => {
  it('has routes of every kind to check', () => {
    // Act
    const optional = withBody.filter((route) => route.request?.bodyOptional);

    // Assess
    expect(optional.length).toBeGreaterThan(0);
    expect(withBody.length).toBeGreaterThan(optional.length);
    expect(withPathParameters.length).toBeGreaterThan(0);
  });

  it.each(byLabel(ROUTES))('%s publishes exactly its template’s path parameters, each required', (_label, route) => {
    // Act
    const published = (operationOf(route).parameters ?? []).filter((parameter) => parameter.in === 'path');

    // Assess
    expect(published.map((parameter) => parameter.name).sort()).toEqual(pathParameterNamesOf(route.path).sort());
    for (const parameter of published) expect(parameter.required, parameter.name).toBe(true);
  });

  it.each(byLabel(withBody))('%s: a body published as required is refused when absent, an optional one is not', async (_label, route) => {
    // Prepare
    const required = operationOf(route).requestBody?.required;

    // Act
    const result = await call(route, validPathParameters(route));

    // Assess
    expect(required).toBe(!route.request?.bodyOptional);
    if (required && route.request?.bodyEncoding === 'form') {
      // An absent form is an empty one: each required field is named.
      expect(result.statusCode).toBe(400);
      expect(fieldsNamed(result).length).toBeGreaterThan(0);
    } else if (required) {
      expect(result.statusCode).toBe(400);
      expect(fieldsNamed(result)).toContain('(body)');
    } else {
      // Past validation into the use case: the record with that fresh id does not exist.
      expect(result.statusCode).toBe(404);
    }
  });

  it.each(byLabel(withPathParameters.filter((route) => !route.request?.body || route.request.bodyOptional)))(
    '%s refuses a path parameter its schema does not accept, naming it',
    async (_label, route) => {
      // Prepare
      // Not an id of any kind: no ULID, organisation id or FHIR id has a space or a `!`.
      const parameters = Object.fromEntries(pathParameterNamesOf(route.path).map((name) => [name, 'not an id!']));

      // Act
      const result = await call(route, parameters);

      // Assess
      expect(result.statusCode).toBe(400);
      expect(fieldsNamed(result).sort()).toEqual(pathParameterNamesOf(route.path).sort());
    },
  );
});
