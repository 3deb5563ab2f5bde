/** `JOINTLY_CONSOLE_LOGIN`: the stand-in login server a test points the local console at. */
import { describe, expect, it } from 'vitest';
import { consoleCspWithLogin, deployedConsoleCsp } from '#infra/console/console-site.ts';
import { consoleLoginFrom } from '#infra/local/local-env.ts';

describe('the console login setting of the local runtime', () => {
  it('is off when unset, and reads a loopback login server and its client', () => {
    // Act
    const unset = consoleLoginFrom(undefined);
    const empty = consoleLoginFrom('');
    const set = consoleLoginFrom('{"domain":"http://127.0.0.1:41234","clientId":"abc"}');

    // Assess
    expect(unset).toBeUndefined();
    expect(empty).toBeUndefined();
    expect(set).toEqual({ domain: 'http://127.0.0.1:41234', clientId: 'abc' });
  });

  it.each([
    ['not JSON', 'http://127.0.0.1:1'],
    ['another host', '{"domain":"http://login.example:80","clientId":"abc"}'],
    ['no client', '{"domain":"http://127.0.0.1:1"}'],
  ])('refuses %s, naming the variable', (_case, raw) => {
    // Act / Assess
    expect(() => consoleLoginFrom(raw)).toThrow(/JOINTLY_CONSOLE_LOGIN must be/);
  });

  it('adds the login origin to connect-src and form-action only; deployed, only an https origin', () => {
    // Act
    const local = consoleCspWithLogin('http://127.0.0.1:41234');

    // Assess
    expect(local).toContain("connect-src 'self' http://127.0.0.1:41234");
    expect(local).toContain("form-action 'self' http://127.0.0.1:41234");
    expect(local.match(/127\.0\.0\.1/g)).toHaveLength(2);
    expect(() => deployedConsoleCsp('http://127.0.0.1:41234')).toThrow(/Not an https origin/);
    expect(() => consoleCspWithLogin('http://login.example')).toThrow(/Not a login origin/);
  });
});
