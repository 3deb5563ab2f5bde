/**
 * A small HTTP client for the referral API of a running local runtime, for the e2e tests:
 * tokens per caller (cached), JSON requests, valid bodies and valid NHS numbers.
 * It knows the contract (DESIGN §4) only, never the implementation.
 */
import { randomInt } from 'node:crypto';
import { tokenFor } from './local-runtime-process.ts';
import { assertResponseContract, assertValidFhir } from './response-contract.ts';

/** Who calls: claims for `POST /_local/token`, or `undefined` for no token at all. */
export interface CallerClaims {
  readonly sub: string;
  /** `custom:org`; leave out for a user created without one. */
  readonly org?: string;
  readonly roles: string[];
  /** Which Cognito token to mint: an ID token (default, what the API accepts) or an access token. */
  readonly tokenUse?: 'id' | 'access';
}

/** What a response looked like. `body` is the parsed JSON, or `undefined` when it is not JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: any;
}

/** Options of one request. */
export interface RequestOptions {
  /** Sent as JSON unless `rawBody` is given. */
  readonly body?: unknown;
  /** Sent verbatim (with `Content-Type: application/json` unless a header overrides it). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A client for one runtime. */
export const referralApi = (url: string) => {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (caller: CallerClaims): Promise<string> => {
    const key = JSON.stringify(caller);
    let token = tokens.get(key);
    if (!token) {
      token = tokenFor(url, caller);
      tokens.set(key, token);
    }
    return token;
  };

  const request = async (
    caller: CallerClaims | undefined,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if (caller) headers.Authorization = `Bearer ${await tokenOf(caller)}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, options.headers);
    const response = await fetch(`${url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    // Every 2xx body the e2e tests see must conform to its route's strict response schema,
    // and every FHIR answer (errors included) must be valid FHIR R4.
    const contentType = response.headers.get('content-type');
    assertResponseContract(method, path, response.status, contentType, body);
    if (contentType?.startsWith('application/fhir+json')) await assertValidFhir(method, path, response.status, body);
    return { status: response.status, headers: response.headers, text, body };
  };

  return {
    url,
    request,
    get: (caller: CallerClaims | undefined, path: string, options?: RequestOptions) => request(caller, 'GET', path, options),
    post: (caller: CallerClaims | undefined, path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
      request(caller, 'POST', path, { ...options, ...(body !== undefined ? { body } : {}) }),
  };
};
export type ReferralApi = ReturnType<typeof referralApi>;

/**
 * A random valid NHS number: 10 digits, Modulus 11 check digit (written here from the
 * NHS Data Dictionary rule, independently of the implementation under test).
 */
export const randomNhsNumber = (): string => {
  for (;;) {
    const first = Array.from({ length: 9 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10)));
    const sum = first.reduce((total, digit, i) => total + digit * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${first.join('')}${check === 11 ? 0 : check}`;
  }
};

/** A valid `POST /referrals` body. */
export const referralBody = (overrides: Record<string, unknown> = {}) => ({
  toOrg: 'ecc',
  serviceArea: 'crisis-prevention',
  priority: 'urgent',
  subject: { nhsNumber: randomNhsNumber(), name: 'Test Person', dateOfBirth: '1941-03-14', postcode: 'CM1 1AA' },
  reason: 'Falls at home twice this week; needs a joint assessment.',
  ...overrides,
});

/** A random id in the shape of a referral id (a ULID) that no referral has. */
export const randomUlid = (): string => {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return `0${Array.from({ length: 25 }, () => alphabet[randomInt(0, 32)]).join('')}`;
};

/** Reads every page of a list route (following `nextCursor`) and returns all items. */
export const readAllPages = async (api: ReferralApi, caller: CallerClaims, path: string): Promise<any[]> => {
  const items: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const response = await api.get(caller, cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status} ${response.text}`);
    items.push(...(response.body.items as unknown[]));
    cursor = response.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`GET ${path}: too many pages`);
};
