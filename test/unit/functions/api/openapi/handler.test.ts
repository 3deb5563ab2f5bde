import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '#functions/api/meta/get-openapi.ts';
import { ROUTES } from '#shared/wiring/routes.ts';
import { headerOf, httpEvent, invoke, jsonBody } from '#test/support/http-event.ts';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, { type: string; scheme?: string }> };
}

const fetchDocument = async (): Promise<OpenApiDocument> => {
  const result = await invoke(handler, httpEvent({ method: 'GET', path: '/openapi.json' }));
  return jsonBody<OpenApiDocument>(result);
};

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /openapi.json', () => {
  it('answers 200 JSON without a token', async () => {
    // Prepare
    const event = httpEvent({ method: 'GET', path: '/openapi.json' });

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'Content-Type')).toBe('application/json');
  });

  it('is an OpenAPI 3.1.0 document', async () => {
    // Prepare
    const expectedVersion = '3.1.0';

    // Act
    const document = await fetchDocument();

    // Assess
    expect(document.openapi).toBe(expectedVersion);
    expect(document.info.title).toBe('Jointly API');
  });

  it('documents every route under its path and method with its operationId', async () => {
    // Prepare
    const routes = ROUTES;

    // Act
    const document = await fetchDocument();

    // Assess
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation?.operationId).toBe(route.operationId);
      expect(operation?.responses[String(route.success.status)]).toBeDefined();
    }
  });

  it('documents no operation that is not in the route table', async () => {
    // Prepare
    const expected = ROUTES.map((route) => `${route.method.toLowerCase()} ${route.path}`).sort();

    // Act
    const document = await fetchDocument();

    // Assess
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual(expected);
  });

  it('requires bearerAuth on jwt routes and nothing on public ones', async () => {
    // Prepare
    const jwtRoutes = ROUTES.filter((route) => route.auth === 'jwt');
    const publicRoutes = ROUTES.filter((route) => route.auth === 'none');

    // Act
    const document = await fetchDocument();

    // Assess
    expect(jwtRoutes.length).toBeGreaterThan(0);
    for (const route of jwtRoutes) {
      expect(document.paths[route.path]?.[route.method.toLowerCase()]?.security).toEqual([{ bearerAuth: [] }]);
    }
    for (const route of publicRoutes) {
      expect(document.paths[route.path]?.[route.method.toLowerCase()]?.security ?? []).toEqual([]);
    }
    expect(document.components.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('defines the Problem schema and uses it for error responses as problem+json', async () => {
    // Prepare
    const health = ROUTES.find((route) => route.operationId === 'getHealth');

    // Act
    const document = await fetchDocument();

    // Assess
    expect(document.components.schemas?.Problem).toBeDefined();
    const responses = health ? document.paths[health.path]?.get?.responses : undefined;
    for (const status of ['400', '413', '500']) {
      expect(responses?.[status]?.content?.['application/problem+json']?.schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
  });

  it('lists each route’s extra error statuses, such as 401 on jwt routes', async () => {
    // Prepare
    const withExtras = ROUTES.filter((route) => (route.errorStatuses ?? []).length > 0);

    // Act
    const document = await fetchDocument();

    // Assess
    expect(withExtras.length).toBeGreaterThan(0);
    for (const route of withExtras) {
      const responses = document.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {};
      for (const status of route.errorStatuses ?? []) expect(responses[String(status)]).toBeDefined();
    }
  });
});
