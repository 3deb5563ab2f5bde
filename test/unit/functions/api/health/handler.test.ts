import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '#functions/api/meta/get-health.ts';
import { headerOf, httpEvent, invoke, jsonBody } from '#test/support/http-event.ts';

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /health', () => {
  it('answers 200 {status:"ok"} without a token', async () => {
    // Prepare
    const event = httpEvent({ method: 'GET', path: '/health' });

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'Content-Type')).toBe('application/json');
    expect(jsonBody(result)).toEqual({ status: 'ok' });
  });

  it('carries X-Correlation-Id and no-store', async () => {
    // Prepare
    const event = httpEvent({ method: 'GET', path: '/health', headers: { 'x-correlation-id': 'health-check-1' } });

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(headerOf(result, 'X-Correlation-Id')).toBe('health-check-1');
    expect(headerOf(result, 'Cache-Control')).toBe('no-store');
  });
});
