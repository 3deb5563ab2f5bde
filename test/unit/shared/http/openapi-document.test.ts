/**
 * What the published contract promises beyond its shape: typed query parameters, a bound
 * on every string, array and integer, the errors every route can really answer with, and
 * who runs the API. `npm run lint:openapi` lints the same document; these keep the fixes.
 */
import { describe, expect, it } from 'vitest';
import type { RouteDefinition } from '#shared/platform/http/route-definition.ts';
import { ROUTES } from '#shared/wiring/routes.ts';
import { ListAlertsQuerySchema } from '#shared/subscriptions/domain/subscription-schemas.ts';
import { buildOpenApiDocument } from '#shared/platform/http/openapi-document.ts';

type Json = Record<string, any>;

const document = buildOpenApiDocument(ROUTES) as Json;

const operationOf = (route: RouteDefinition): Json => document.paths[route.path][route.method.toLowerCase()];

/** Every schema object in `node` (parameters, bodies, responses, components), with its JSON pointer. */
const schemasIn = (node: unknown, pointer = '#'): [string, Json][] => {
  if (Array.isArray(node)) return node.flatMap((item, index) => schemasIn(item, `${pointer}/${index}`));
  if (!node || typeof node !== 'object') return [];
  const own: [string, Json][] = 'type' in node ? [[pointer, node as Json]] : [];
  return [
    ...own,
    ...Object.entries(node).flatMap(([key, value]) => schemasIn(value, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)),
  ];
};

const typesOf = (schema: Json): string[] => [schema.type].flat().filter((type): type is string => typeof type === 'string');

/**
 * The one unbounded array, on purpose: every handoff of a referral, which nothing caps
 * (.spectral.yaml says why). A new unbounded array fails here.
 */
const UNBOUNDED_ARRAYS = ['#/components/schemas/ReferralDetail/properties/handoffs'];

describe('the OpenAPI document: typed query parameters', () => {
  it('documents every `limit` as an int32 from 1 to 100', () => {
    // Prepare
    const withLimit = ROUTES.filter((route) => route.request?.query?._zod.def.shape.limit);

    // Act
    const limits = withLimit.map(
      (route) => operationOf(route).parameters.find((p: Json) => p.in === 'query' && p.name === 'limit')?.schema,
    );

    // Assess
    expect(withLimit.length).toBeGreaterThan(5);
    for (const schema of limits) expect(schema).toMatchObject({ type: 'integer', format: 'int32', minimum: 1, maximum: 100 });
  });

  it('documents `unread` as a boolean while the handler still takes exactly "true" or "false"', () => {
    // Prepare
    const listAlerts = ROUTES.find((route) => route.operationId === 'listAlerts')!;

    // Act
    const unread = operationOf(listAlerts).parameters.find((p: Json) => p.name === 'unread');
    const accepted = ['true', 'false'].map((value) => ListAlertsQuerySchema.safeParse({ unread: value }).success);
    const rejected = ['TRUE', '1', 'yes', ''].map((value) => ListAlertsQuerySchema.safeParse({ unread: value }).success);

    // Assess
    expect(unread.schema.type).toBe('boolean');
    expect(accepted).toEqual([true, true]);
    expect(rejected).toEqual([false, false, false, false]);
  });

  it('documents every path id with the pattern and length its handler checks (or its closed set of values)', () => {
    // Prepare
    const pathParameters = Object.values(document.paths as Json)
      .flatMap((item: Json) => Object.values(item))
      .flatMap((operation: Json) => (operation.parameters ?? []).filter((p: Json) => p.in === 'path'));

    // Act
    const unpatterned = pathParameters.filter((p: Json) => !p.schema.enum && (!p.schema.pattern || !p.schema.maxLength));

    // Assess
    expect(pathParameters.length).toBeGreaterThan(10);
    expect(unpatterned).toEqual([]);
  });
});

describe('the OpenAPI document: bounds', () => {
  const schemas = schemasIn(document);

  it('gives every string a maxLength (or a closed set of values)', () => {
    // Prepare
    const strings = schemas.filter(([, schema]) => typesOf(schema).includes('string'));

    // Act
    const unbounded = strings
      .filter(([, s]) => s.maxLength === undefined && s.enum === undefined && s.const === undefined)
      .map(([at]) => at);

    // Assess
    expect(strings.length).toBeGreaterThan(100);
    expect(unbounded).toEqual([]);
  });

  it('gives every array a maxItems, but the one named exception', () => {
    // Prepare
    const arrays = schemas.filter(([, schema]) => typesOf(schema).includes('array'));

    // Act
    const unbounded = arrays.filter(([, s]) => s.maxItems === undefined).map(([at]) => at);

    // Assess
    expect(arrays.length).toBeGreaterThan(20);
    expect(unbounded).toEqual(UNBOUNDED_ARRAYS);
  });

  it('gives every integer an int32 or int64 format that holds its bounds', () => {
    // Prepare
    const integers = schemas.filter(([, schema]) => typesOf(schema).includes('integer'));

    // Act
    const wrong = integers
      .filter(([, s]) => !(s.format === 'int32' && s.minimum >= -(2 ** 31) && s.maximum < 2 ** 31) && s.format !== 'int64')
      .map(([at]) => at);

    // Assess
    expect(integers.length).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});

describe('the OpenAPI document: errors every route can answer with', () => {
  it('declares 401 (the authorizer’s body and the API’s problem) on every jwt route and on no public one', () => {
    // Prepare
    const [jwt, open] = [ROUTES.filter((r) => r.auth === 'jwt'), ROUTES.filter((r) => r.auth === 'none')];

    // Act
    const jwt401 = jwt.map((route) => [route, Object.keys(operationOf(route).responses['401']?.content ?? {}).sort()] as const);
    const open401 = open.map((route) => operationOf(route).responses['401']);

    // Assess
    expect(jwt.length).toBeGreaterThan(0);
    // The API's own refusal is problem+json, or the route's error format (an OperationOutcome on the FHIR face).
    for (const [route, mediaTypes] of jwt401) {
      expect(mediaTypes, route.operationId).toEqual(['application/json', route.format?.mediaType ?? 'application/problem+json'].sort());
    }
    expect(open401.every((response) => response === undefined)).toBe(true);
  });

  it('declares 429 with Retry-After and API Gateway’s body on every route', () => {
    // Prepare
    const routes = ROUTES;

    // Act
    const throttled = routes.map((route) => operationOf(route).responses['429']);

    // Assess
    for (const response of throttled) {
      expect(response.headers['Retry-After'].schema).toMatchObject({ type: 'integer' });
      expect(response.content['application/json'].schema.properties.message.const).toBe('Too Many Requests');
    }
  });

  it('declares 500 on every route and 503 with a required Retry-After where the function uses a dependency', () => {
    // Prepare
    const usesDependency = (route: RouteDefinition) => route.tableAccess !== undefined || (route.eventAccess?.length ?? 0) > 0;

    // Act
    const responses = ROUTES.map((route) => [route, operationOf(route).responses] as const);

    // Assess
    expect(ROUTES.some(usesDependency)).toBe(true);
    for (const [route, byStatus] of responses) {
      expect(Object.keys(byStatus['500'].content).sort(), route.operationId).toEqual(
        ['application/json', route.format?.mediaType ?? 'application/problem+json'].sort(),
      );
      if (usesDependency(route)) expect(byStatus['503'].headers['Retry-After'].required, route.operationId).toBe(true);
      else expect(byStatus['503'], route.operationId).toBeUndefined();
    }
  });
});

describe('the OpenAPI document: who serves it', () => {
  it('names a stage-neutral relative server, an internal audience, a licence and the ops contact', () => {
    // Prepare
    const { servers, info } = document;

    // Act
    const [server] = servers;

    // Assess
    expect(servers).toHaveLength(1);
    expect(server).toMatchObject({ url: '/', 'x-internal': true });
    expect(info.license).toEqual({ name: expect.stringMatching(/^Proprietary/), identifier: 'LicenseRef-Proprietary' });
    expect(info.contact).toMatchObject({ email: 'jointly-ops@nhs.net' });
  });

  it('defines every tag its operations use', () => {
    // Prepare
    const used = new Set(ROUTES.flatMap((route) => route.tags));

    // Act
    const defined = new Set((document.tags as Json[]).map((tag) => tag.name));

    // Assess
    expect([...used].sort()).toEqual([...defined].sort());
  });
});
