/** The smoke test's check of the console page as served. */
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, deployedConsoleCsp } from '#infra/console/console-site.ts';
import { consolePageProblems } from '#scripts/smoke/checks.ts';

const headersOf = (csp: string, cacheControl = 'no-store') =>
  new Headers({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': cacheControl });

describe('the smoke test’s console page check', () => {
  it('passes the local and the deployed policy', () => {
    // Act
    const local = consolePageProblems(200, headersOf(CONSOLE_CSP));
    const deployed = consolePageProblems(
      200,
      headersOf(deployedConsoleCsp('https://jointly-dev-1a2b3c4d.auth.eu-west-2.amazoncognito.com')),
    );

    // Assess
    expect(local).toEqual([]);
    expect(deployed).toEqual([]);
  });

  it('names what is wrong: a page not found, inline code allowed, a cached page, no policy', () => {
    // Act
    const missing = consolePageProblems(404, new Headers({ 'content-type': 'application/problem+json' }));
    const inline = consolePageProblems(200, headersOf(CONSOLE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")));
    const cached = consolePageProblems(200, headersOf(CONSOLE_CSP, 'public, max-age=60'));

    // Assess
    expect(missing).toEqual(['status 404', 'content-type application/problem+json', 'CSP ""', 'cache-control null']);
    expect(inline).toEqual([
      `CSP "${CONSOLE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")}"`,
      'the CSP allows inline code',
    ]);
    expect(cached).toEqual(['cache-control public, max-age=60']);
  });
});
