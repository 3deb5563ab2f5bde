import * as z from 'zod';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type middy from '@middy/core';
import {
  defineRoute,
  defineRouteGroup,
  pathParameterNamesOf,
  RouteDefinitionError,
  type RouteDefinition,
} from '#shared/platform/http/route-definition.ts';
import { headerOf, httpEvent, invoke, jsonBody, practitionerClaims } from '#test/support/http-event.ts';

interface ProblemBody {
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

const ThingPathSchema = z.object({ id: z.string().regex(/^\d+$/, 'must be digits') });
const NoteSchema = z.strictObject({ text: z.string().min(1) });
const CommentSchema = z.strictObject({ comment: z.string().optional() });

/** What every test route shares; each test adds what it is about. */
const base = {
  method: 'POST',
  auth: 'jwt',
  entry: 'functions/api/thing/handler.ts',
  summary: 'A thing',
  tags: ['things'],
  success: { status: 200, description: 'The thing' },
} as const satisfies Partial<RouteDefinition>;

const post = (path: string, options: { body?: unknown; headers?: Record<string, string>; pathParameters?: Record<string, string> } = {}) =>
  httpEvent({
    method: 'POST',
    path,
    claims: practitionerClaims(),
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
  });

const noOpMiddleware: middy.MiddlewareObj = { before: () => undefined };

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('defineRoute', () => {
  it('refuses a templated path without a path schema, or a schema naming other parameters', () => {
    // Prepare
    const without = () => defineRoute({ ...base, operationId: 'noSchema', path: '/things/{id}' });
    const other = () =>
      defineRoute({ ...base, operationId: 'otherSchema', path: '/things/{id}', request: { path: z.object({ thingId: z.string() }) } });

    // Act
    const attempts = [without, other];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(RouteDefinitionError);
  });

  it('lists the parameters of a template in order', () => {
    // Act
    const names = pathParameterNamesOf('/things/{id}/parts/{partId}');

    // Assess
    expect(names).toEqual(['id', 'partId']);
  });

  it('answers 400 naming the parameter when the path schema refuses it, before the handler runs', async () => {
    // Prepare
    const fn = vi.fn(() => ({ statusCode: 200 }));
    const handler = defineRoute({ ...base, operationId: 'getThing', path: '/things/{id}', request: { path: ThingPathSchema } }).handle(fn);

    // Act
    const result = await invoke(handler, post('/things/abc', { pathParameters: { id: 'abc' } }));

    // Assess
    expect(result.statusCode).toBe(400);
    expect(jsonBody<ProblemBody>(result).detail).toBe('The path is invalid: check id.');
    expect(jsonBody<ProblemBody>(result).errors).toEqual([{ path: 'id', message: 'must be digits' }]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('hands the handler the parsed path and sends its etag as a strong ETag', async () => {
    // Prepare
    const handler = defineRoute({ ...base, operationId: 'getThing', path: '/things/{id}', request: { path: ThingPathSchema } }).handle(
      ({ path }) => ({
        statusCode: 200,
        etag: 3,
        body: { id: path.id },
      }),
    );

    // Act
    const result = await invoke(handler, post('/things/42', { pathParameters: { id: '42' } }));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ id: '42' });
    expect(headerOf(result, 'ETag')).toBe('"3"');
  });

  it('parses If-Match only on a route that reads it', async () => {
    // Prepare
    const echo = ({ ifMatch }: { ifMatch: number | undefined }) => ({ statusCode: 200, body: { ifMatch: ifMatch ?? null } });
    const reads = defineRoute({ ...base, operationId: 'reads', path: '/reads', request: { headers: ['If-Match'] } }).handle(echo);
    const ignores = defineRoute({ ...base, operationId: 'ignores', path: '/ignores' }).handle(echo);

    // Act
    const parsed = await invoke(reads, post('/reads', { headers: { 'if-match': '"7"' } }));
    const refused = await invoke(reads, post('/reads', { headers: { 'if-match': 'yesterday' } }));
    const ignored = await invoke(ignores, post('/ignores', { headers: { 'if-match': 'yesterday' } }));

    // Assess
    expect(jsonBody(parsed)).toEqual({ ifMatch: 7 });
    expect(refused.statusCode).toBe(400);
    expect(jsonBody<ProblemBody>(refused).errors?.map((e) => e.path)).toEqual(['If-Match']);
    expect(jsonBody(ignored)).toEqual({ ifMatch: null });
  });

  it('requires the idempotency middleware exactly when the route reads Idempotency-Key', () => {
    // Prepare
    const reads = defineRoute({ ...base, operationId: 'createThing', path: '/things', request: { headers: ['Idempotency-Key'] } });
    const ignores = defineRoute({ ...base, operationId: 'touchThing', path: '/touch' });
    const fn = () => ({ statusCode: 201 });

    // Act
    const attempts = [() => reads.handle(fn), () => ignores.handle(fn, { idempotency: noOpMiddleware as never })];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(RouteDefinitionError);
    expect(typeof reads.handle(fn, { idempotency: noOpMiddleware as never })).toBe('function');
  });
});

describe('defineRouteGroup', () => {
  const route = (name: string, body: z.ZodType, bodyOptional = false) =>
    defineRoute({
      ...base,
      operationId: `${name}Thing`,
      functionId: 'thingAction',
      path: `/things/{id}/${name}`,
      request: { body, bodyOptional, path: ThingPathSchema },
    });
  const group = defineRouteGroup({ note: route('note', NoteSchema), close: route('close', CommentSchema, true) });
  const handler = group.handle(({ path, body }, name) => ({ statusCode: 200, body: { name, id: path.id, body } }));

  it('serves each route with its own name and body schema', async () => {
    // Act
    const note = await invoke(handler, post('/things/1/note', { body: { text: 'hello' }, pathParameters: { id: '1' } }));
    const close = await invoke(handler, post('/things/2/close', { pathParameters: { id: '2' } }));
    const noteWithoutBody = await invoke(handler, post('/things/3/note', { pathParameters: { id: '3' } }));

    // Assess
    expect(jsonBody(note)).toEqual({ name: 'note', id: '1', body: { text: 'hello' } });
    expect(jsonBody(close)).toEqual({ name: 'close', id: '2', body: {} });
    expect(noteWithoutBody.statusCode).toBe(400);
    expect(jsonBody<ProblemBody>(noteWithoutBody).errors?.map((e) => e.path)).toEqual(['(body)']);
  });

  it('lists its routes in definition order', () => {
    // Act
    const ids = group.routes.map((r) => r.operationId);

    // Assess
    expect(ids).toEqual(['noteThing', 'closeThing']);
  });

  it('refuses routes that do not share one function', () => {
    // Prepare
    const stray = defineRoute({ ...base, operationId: 'strayThing', path: '/stray' });

    // Act
    const attempt = () => defineRouteGroup({ note: route('note', NoteSchema), stray });

    // Assess
    expect(attempt).toThrow(RouteDefinitionError);
  });
});
