/**
 * A feature slice's Lambda hands each event to its route's handler by the `routeKey` API
 * Gateway sends (the same key the CDK route is created with: test/infra/stacks.test.ts), and
 * refuses at init to serve a route without a handler, or a handler without a route.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { defineSliceFunction, DEFAULT_ROUTE_KEY, serveRoutes } from '#shared/platform/http/function-dispatch.ts';
import type { HttpEvent, HttpLambdaHandler } from '#shared/platform/http/middleware.ts';
import { RouteDefinitionError } from '#shared/platform/http/route-definition.ts';

const answering =
  (name: string): HttpLambdaHandler =>
  async () => ({ statusCode: 200, body: name });

const ROUTES = [
  { operationId: 'getThing', method: 'GET', path: '/things/{id}' },
  { operationId: 'addThing', method: 'POST', path: '/things' },
  { operationId: 'notFound' },
] as const;

const eventFor = (routeKey: string) => ({ routeKey }) as HttpEvent;
const CONTEXT = {} as Context;

describe('serveRoutes', () => {
  it('hands each event to the handler of the route its routeKey names, $default included', async () => {
    // Prepare
    const handler = serveRoutes(ROUTES, { getThing: answering('get'), addThing: answering('add'), notFound: answering('404') });

    // Act
    const answers = await Promise.all(
      ['GET /things/{id}', 'POST /things', DEFAULT_ROUTE_KEY].map((key) => handler(eventFor(key), CONTEXT)),
    );

    // Assess
    expect(answers.map((answer) => answer.body)).toEqual(['get', 'add', '404']);
  });

  it('refuses to start when a route has no handler', () => {
    // Act
    const building = () => serveRoutes(ROUTES, { getThing: answering('get'), notFound: answering('404') });

    // Assess
    expect(building).toThrow(RouteDefinitionError);
    expect(building).toThrow(/addThing/);
  });

  it('refuses to start when a handler serves no route of the function', () => {
    // Act
    const building = () =>
      serveRoutes(ROUTES, { getThing: answering('get'), addThing: answering('add'), notFound: answering('404'), stray: answering('x') });

    // Assess
    expect(building).toThrow(/stray/);
  });

  it('treats an event for a route the function does not serve as a wiring fault', () => {
    // Prepare
    const handler = serveRoutes(ROUTES, { getThing: answering('get'), addThing: answering('add'), notFound: answering('404') });

    // Act
    const serving = () => handler(eventFor('DELETE /things/{id}'), CONTEXT);

    // Assess
    expect(serving).toThrow(RouteDefinitionError);
  });
});

describe('defineSliceFunction', () => {
  it('accepts routes that name its function id and entry, and serves them', async () => {
    // Prepare
    const spec = { functionId: 'thingsApi', entry: 'functions/api/things/handler.ts' };
    const routes = [{ ...ROUTES[0], ...spec }];

    // Act
    const fn = defineSliceFunction(spec, routes);
    const answer = await fn.serve({ getThing: answering('get') })(eventFor('GET /things/{id}'), CONTEXT);

    // Assess
    expect(fn).toMatchObject(spec);
    expect(answer.body).toBe('get');
  });

  it('refuses a route that names another function', () => {
    // Prepare
    const spec = { functionId: 'thingsApi', entry: 'functions/api/things/handler.ts' };

    // Act
    const defining = () => defineSliceFunction(spec, [{ ...ROUTES[0], functionId: 'otherApi', entry: spec.entry }]);

    // Assess
    expect(defining).toThrow(/getThing/);
  });
});
