import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '#functions/api/meta/not-found.ts';
import { headerOf, httpEvent, invoke, jsonBody } from '#test/support/http-event.ts';

interface ProblemBody {
  type: string;
  status: number;
  detail: string;
  instance?: string;
}

/** The `$default` route key API Gateway uses for unmatched requests. */
const defaultRoute = (method: string, path: string) => httpEvent({ method, path, routeKey: '$default' });

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('$default handler', () => {
  it('answers an unknown path with a 404 problem', async () => {
    // Prepare
    const event = defaultRoute('GET', '/no-such-thing');

    // Act
    const result = await invoke(handler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(404);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(problem.type).toBe('https://jointly.dev/problems/not-found');
    expect(problem.instance).toBe('/no-such-thing');
    expect(headerOf(result, 'Allow')).toBeUndefined();
  });

  it('answers DELETE /health with 405 and Allow: GET', async () => {
    // Prepare
    const event = defaultRoute('DELETE', '/health');

    // Act
    const result = await invoke(handler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(405);
    expect(headerOf(result, 'Allow')).toBe('GET');
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(problem.type).toBe('https://jointly.dev/problems/method-not-allowed');
    expect(problem.detail).toContain('DELETE');
  });

  it('answers POST /reference with 405 as well', async () => {
    // Prepare
    const event = defaultRoute('POST', '/reference');

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(result.statusCode).toBe(405);
    expect(headerOf(result, 'Allow')).toBe('GET');
  });

  it('does not treat the dot of /openapi.json as a wildcard', async () => {
    // Prepare
    const event = defaultRoute('GET', '/openapiXjson');

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(result.statusCode).toBe(404);
  });

  it('answers a longer path under a known one with 404, not 405', async () => {
    // Prepare
    const event = defaultRoute('GET', '/health/deep');

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(result.statusCode).toBe(404);
  });

  it('needs no token and carries the correlation id and security headers', async () => {
    // Prepare
    const event = httpEvent({ method: 'GET', path: '/nowhere', routeKey: '$default', headers: { 'x-correlation-id': 'nf-1' } });

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(result.statusCode).toBe(404);
    expect(headerOf(result, 'X-Correlation-Id')).toBe('nf-1');
    expect(headerOf(result, 'Cache-Control')).toBe('no-store');
    expect(headerOf(result, 'X-Content-Type-Options')).toBe('nosniff');
  });
});
