/**
 * A small HTTP client for the handoff e2e tests against a running local runtime: tokens
 * per caller (cached), JSON requests, and the few referral steps a handoff needs
 * (refer, accept). It knows the contract (DESIGN §4) only, never the implementation.
 */
import { randomInt } from 'node:crypto';
import { tokenFor } from './local-runtime-process.ts';
import { assertResponseContract } from './response-contract.ts';

/** Claims for `POST /_local/token`. */
export interface Who {
  readonly sub: string;
  readonly org: string;
  readonly roles: string[];
}

/** A response: `body` is the parsed JSON, or `undefined` when there is none. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: any;
}

/** A valid NHS number (Modulus 11, written from the NHS Data Dictionary rule). */
export const validNhsNumber = (): string => {
  for (;;) {
    const first = Array.from({ length: 9 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10)));
    const sum = first.reduce((total, digit, i) => total + digit * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${first.join('')}${check === 11 ? 0 : check}`;
  }
};

/** A random id in the shape of a ULID that no record has. */
export const unusedUlid = (): string => {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return `0${Array.from({ length: 25 }, () => alphabet[randomInt(0, 32)]).join('')}`;
};

/** A client for one runtime. `who === undefined` sends no token. */
export const handoffApi = (url: string) => {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (who: Who): Promise<string> => {
    const key = JSON.stringify(who);
    let token = tokens.get(key);
    if (!token) {
      token = tokenFor(url, who);
      tokens.set(key, token);
    }
    return token;
  };

  const request = async (
    who: Who | undefined,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<Reply> => {
    const headers: Record<string, string> = {};
    if (who) headers.Authorization = `Bearer ${await tokenOf(who)}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, extraHeaders);
    const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    // Every 2xx body the e2e tests see must conform to its route's strict response schema.
    assertResponseContract(method, path, response.status, response.headers.get('content-type'), parsed);
    return { status: response.status, headers: response.headers, text, body: parsed };
  };

  const get = (who: Who | undefined, path: string, headers?: Record<string, string>) => request(who, 'GET', path, undefined, headers);
  const post = (who: Who | undefined, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(who, 'POST', path, body, headers);

  const must = (reply: Reply, status: number, what: string): Reply => {
    if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text}`);
    return reply;
  };

  /** `POST /referrals` from `from`'s org to `toOrg`: returns the referral. */
  const refer = async (from: Who, toOrg: string, overrides: Record<string, unknown> = {}): Promise<any> =>
    must(
      await post(from, '/referrals', {
        toOrg,
        serviceArea: 'crisis-prevention',
        priority: 'urgent',
        subject: { nhsNumber: validNhsNumber(), name: 'Test Person', dateOfBirth: '1941-03-14', postcode: 'CM1 1AA' },
        reason: 'Falls at home twice this week; needs a joint assessment.',
        ...overrides,
      }),
      201,
      'refer',
    ).body;

  /** Refers from `from` to `receiver` and has `receiver` accept: returns the accepted referral. */
  const acceptedReferral = async (from: Who, receiver: Who, overrides: Record<string, unknown> = {}): Promise<any> => {
    const referral = await refer(from, receiver.org, overrides);
    return must(await post(receiver, `/referrals/${referral.id}/accept`, {}), 200, 'accept referral').body;
  };

  /** `POST /referrals/{id}/handoffs` that must succeed: returns the handoff. */
  const offer = async (
    owner: Who,
    referralId: string,
    toOrg: string,
    reason = 'Hand over: the other team is better placed now.',
  ): Promise<any> => must(await post(owner, `/referrals/${referralId}/handoffs`, { toOrg, reason }), 201, 'offer handoff').body;

  /** Every item of a list route, following `nextCursor`, with the pages it took. */
  const allPages = async (who: Who, path: string): Promise<{ items: any[]; pages: any[][] }> => {
    const pages: any[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 500; i++) {
      const separator = path.includes('?') ? '&' : '?';
      const reply = must(await get(who, cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path), 200, `GET ${path}`);
      pages.push(reply.body.items);
      cursor = reply.body.nextCursor;
      if (!cursor) return { items: pages.flat(), pages };
    }
    throw new Error(`GET ${path}: too many pages`);
  };

  return { url, request, get, post, refer, acceptedReferral, offer, allPages };
};
export type HandoffApi = ReturnType<typeof handoffApi>;
