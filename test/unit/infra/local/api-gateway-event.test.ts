import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  formatRequestTime,
  fromHandlerResult,
  isTextContentType,
  parseQueryString,
  toApiGatewayEvent,
  type IncomingRequest,
  type RouteMatch,
} from '#infra/local/api-gateway-event.ts';

const NOW = new Date('2026-11-28T00:06:46.123Z');

const request = (overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  method: 'GET',
  url: '/health',
  headers: { host: '127.0.0.1:3000', 'user-agent': 'curl/8.0' },
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  requestId: 'req-1',
  now: NOW,
  ...overrides,
});

const route = (overrides: Partial<RouteMatch> = {}): RouteMatch => ({ routeKey: 'GET /health', ...overrides });

describe('toApiGatewayEvent', () => {
  it('builds a payload 2.0 event with the route key', () => {
    // Prepare
    const incoming = request();

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /health');
    expect(event.requestContext.routeKey).toBe('GET /health');
    expect(event.requestContext.stage).toBe('$default');
  });

  it('splits the URL into rawPath and rawQueryString', () => {
    // Prepare
    const incoming = request({ url: '/referrals?box=inbox&status=submitted' });

    // Act
    const event = toApiGatewayEvent(incoming, route({ routeKey: 'GET /referrals' }));

    // Assess
    expect(event.rawPath).toBe('/referrals');
    expect(event.rawQueryString).toBe('box=inbox&status=submitted');
    expect(event.requestContext.http.path).toBe('/referrals');
  });

  it('decodes query parameters and joins repeated keys with commas', () => {
    // Prepare
    const incoming = request({ url: '/referrals?status=submitted&status=accepted&q=a%20b%2Fc&empty=' });

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.queryStringParameters).toEqual({ status: 'submitted,accepted', q: 'a b/c', empty: '' });
  });

  it('has no queryStringParameters key without a query', () => {
    // Prepare
    const withoutQuery = request({ url: '/health' });
    const emptyQuery = request({ url: '/health?' });

    // Act
    const first = toApiGatewayEvent(withoutQuery, route());
    const second = toApiGatewayEvent(emptyQuery, route());

    // Assess
    expect(first).not.toHaveProperty('queryStringParameters');
    expect(first.rawQueryString).toBe('');
    expect(second).not.toHaveProperty('queryStringParameters');
    expect(second.rawQueryString).toBe('');
  });

  it('lower-cases header names and joins multi-value headers with commas', () => {
    // Prepare
    const incoming = request({
      headers: { Host: 'localhost:3000', 'X-Correlation-Id': 'abc', 'X-Forwarded-For': ['203.0.113.1', '10.0.0.1'] },
    });

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.headers).toMatchObject({ host: 'localhost:3000', 'x-correlation-id': 'abc' });
    expect(event.headers['x-forwarded-for']).toBe('203.0.113.1,10.0.0.1, 127.0.0.1');
  });

  it('adds the X-Forwarded headers HTTP API gives the integration: the client appended, the scheme and the port', () => {
    // Prepare
    const incoming = request({ headers: { host: '127.0.0.1:3917' }, sourceIp: '127.0.0.7' });

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.headers).toEqual({
      host: '127.0.0.1:3917',
      'x-forwarded-for': '127.0.0.7',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '3917',
    });
  });

  it('moves cookies out of the headers into the cookies array', () => {
    // Prepare
    const incoming = request({ headers: { host: 'localhost', cookie: 'a=1; b=2;c=3' } });

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(event.headers).not.toHaveProperty('cookie');
  });

  it('has no cookies key when none are sent', () => {
    // Prepare
    const incoming = request();

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event).not.toHaveProperty('cookies');
  });

  it('passes a JSON body as text, not base64', () => {
    // Prepare
    const json = '{"toOrg":"ecc","reason":"Café"}';
    const incoming = request({
      method: 'POST',
      headers: { host: 'localhost', 'content-type': 'application/json' },
      body: Buffer.from(json, 'utf8'),
    });

    // Act
    const event = toApiGatewayEvent(incoming, route({ routeKey: 'POST /referrals' }));

    // Assess
    expect(event.body).toBe(json);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('passes a binary body base64-encoded', () => {
    // Prepare
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
    const incoming = request({
      method: 'POST',
      headers: { host: 'localhost', 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(bytes.toString('base64'));
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('has no body and isBase64Encoded false for an empty body', () => {
    // Prepare
    const incoming = request();

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event).not.toHaveProperty('body');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('fills requestContext.http from the request', () => {
    // Prepare
    const incoming = request({ method: 'post', sourceIp: '10.1.2.3', url: '/referrals?x=1' });

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.requestContext.http).toEqual({
      method: 'POST',
      path: '/referrals',
      protocol: 'HTTP/1.1',
      sourceIp: '10.1.2.3',
      userAgent: 'curl/8.0',
    });
    expect(event.requestContext.requestId).toBe('req-1');
    expect(event.requestContext.domainName).toBe('127.0.0.1:3000');
  });

  it('formats time like API Gateway and sets timeEpoch', () => {
    // Prepare
    const incoming = request({ now: NOW });

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.requestContext.time).toBe('28/Nov/2026:00:06:46 +0000');
    expect(event.requestContext.timeEpoch).toBe(NOW.getTime());
  });

  it('includes pathParameters only when there are some', () => {
    // Prepare
    const incoming = request({ url: '/referrals/r1' });

    // Act
    const withParams = toApiGatewayEvent(incoming, route({ routeKey: 'GET /referrals/{id}', pathParameters: { id: 'r1' } }));
    const emptyParams = toApiGatewayEvent(incoming, route({ pathParameters: {} }));
    const noParams = toApiGatewayEvent(incoming, route());

    // Assess
    expect(withParams.pathParameters).toEqual({ id: 'r1' });
    expect(emptyParams).not.toHaveProperty('pathParameters');
    expect(noParams).not.toHaveProperty('pathParameters');
  });

  it('places claims at requestContext.authorizer.jwt.claims', () => {
    // Prepare
    const claims = { sub: 'user-1', 'custom:org': 'provide', 'cognito:groups': '[practitioner]' };

    // Act
    const event = toApiGatewayEvent(request(), route({ claims }));

    // Assess
    expect(event.requestContext.authorizer.jwt.claims).toEqual(claims);
    expect(event.requestContext.authorizer.jwt.scopes).toEqual([]);
  });

  it('gives empty claims when the route has none', () => {
    // Prepare
    const incoming = request();

    // Act
    const event = toApiGatewayEvent(incoming, route());

    // Assess
    expect(event.requestContext.authorizer.jwt.claims).toEqual({});
  });
});

describe('parseQueryString', () => {
  it('returns undefined for an empty query and for only separators', () => {
    // Prepare
    const inputs = ['', '&', '&&'];

    // Act
    const results = inputs.map((input) => parseQueryString(input));

    // Assess
    expect(results).toEqual([undefined, undefined, undefined]);
  });

  it('keeps a key without a value as the empty string and leaves a malformed escape as is', () => {
    // Prepare
    const input = 'flag&bad=%E0%A4%A';

    // Act
    const params = parseQueryString(input);

    // Assess
    expect(params).toEqual({ flag: '', bad: '%E0%A4%A' });
  });
});

describe('fromHandlerResult', () => {
  it('uses a structured result as given, with lower-cased headers', () => {
    // Prepare
    const result: APIGatewayProxyResultV2 = {
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', ETag: '"1"' },
      body: '{"id":"r1"}',
    };

    // Act
    const response = fromHandlerResult(result);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'content-type': 'application/json', etag: '"1"' });
    expect(response.body.toString('utf8')).toBe('{"id":"r1"}');
  });

  it('turns cookies into a set-cookie array', () => {
    // Prepare
    const result: APIGatewayProxyResultV2 = { statusCode: 200, cookies: ['a=1; Path=/', 'b=2; HttpOnly'] };

    // Act
    const response = fromHandlerResult(result);

    // Assess
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
  });

  it('decodes a base64 body', () => {
    // Prepare
    const bytes = Buffer.from([1, 2, 3, 250]);
    const result: APIGatewayProxyResultV2 = { statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true };

    // Act
    const response = fromHandlerResult(result);

    // Assess
    expect(response.body).toEqual(bytes);
  });

  it('gives an empty body for a structured result without one', () => {
    // Prepare
    const result: APIGatewayProxyResultV2 = { statusCode: 204 };

    // Act
    const response = fromHandlerResult(result);

    // Assess
    expect(response.statusCode).toBe(204);
    expect(response.body.length).toBe(0);
  });

  it('turns a plain object into a 200 JSON response', () => {
    // Prepare
    const result = { status: 'ok' } as unknown as APIGatewayProxyResultV2;

    // Act
    const response = fromHandlerResult(result);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({ status: 'ok' });
  });

  it('turns a string into a 200 with that body', () => {
    // Prepare
    const result: APIGatewayProxyResultV2 = 'hello';

    // Act
    const response = fromHandlerResult(result);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.toString('utf8')).toBe('hello');
  });

  it('turns undefined into a 200 with an empty body', () => {
    // Prepare
    const result = undefined;

    // Act
    const response = fromHandlerResult(result);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.length).toBe(0);
  });
});

describe('isTextContentType', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['APPLICATION/JSON', true],
    ['application/problem+json', true],
    ['application/vnd.api+json', true],
    ['application/xml', true],
    ['application/x-www-form-urlencoded', true],
    ['text/plain', true],
    ['text/csv; charset=utf-8', true],
    ['  application/json', true],
    ['application/octet-stream', false],
    ['image/png', false],
    ['application/pdf', false],
    ['multipart/form-data; boundary=x', false],
  ])('says %j is text: %s', (contentType, expected) => {
    // Prepare
    const value = contentType;

    // Act
    const isText = isTextContentType(value);

    // Assess
    expect(isText).toBe(expected);
  });
});

describe('formatRequestTime', () => {
  it('formats as dd/Mon/yyyy:HH:mm:ss +0000 in UTC', () => {
    // Prepare
    const date = new Date('2026-11-28T00:06:46Z');

    // Act
    const formatted = formatRequestTime(date);

    // Assess
    expect(formatted).toBe('28/Nov/2026:00:06:46 +0000');
  });

  it('zero-pads single digits and names each month', () => {
    // Prepare
    const dates = Array.from({ length: 12 }, (_, month) => new Date(Date.UTC(2020, month, 3, 4, 5, 6)));

    // Act
    const formatted = dates.map((date) => formatRequestTime(date));

    // Assess
    expect(formatted[0]).toBe('03/Jan/2020:04:05:06 +0000');
    expect(formatted.map((text) => text.slice(3, 6))).toEqual([
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ]);
  });
});
