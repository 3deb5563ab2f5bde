import { describe, expect, it } from 'vitest';
import { matchesPathTemplate } from '#shared/platform/http/path-template.ts';

describe('matchesPathTemplate', () => {
  it('matches a parameter against one non-empty segment', () => {
    // Prepare
    const template = '/referrals/{id}';

    // Act
    const matches = matchesPathTemplate(template, '/referrals/abc');

    // Assess
    expect(matches).toBe(true);
  });

  it('does not let a parameter span several segments', () => {
    // Prepare
    const template = '/referrals/{id}';

    // Act
    const matches = matchesPathTemplate(template, '/referrals/abc/def');

    // Assess
    expect(matches).toBe(false);
  });

  it('does not match an empty parameter segment', () => {
    // Prepare
    const template = '/referrals/{id}';

    // Act
    const trailingSlash = matchesPathTemplate(template, '/referrals/');
    const noSegment = matchesPathTemplate(template, '/referrals');

    // Assess
    expect(trailingSlash).toBe(false);
    expect(noSegment).toBe(false);
  });

  it('treats regex metacharacters in static segments literally', () => {
    // Prepare
    const template = '/openapi.json';

    // Act
    const literal = matchesPathTemplate(template, '/openapi.json');
    const wildcard = matchesPathTemplate(template, '/openapiXjson');

    // Assess
    expect(literal).toBe(true);
    expect(wildcard).toBe(false);
  });

  it('escapes other metacharacters such as + ( ) $ too', () => {
    // Prepare
    const template = '/a+b/(c)$';

    // Act
    const literal = matchesPathTemplate(template, '/a+b/(c)$');
    const asRegex = matchesPathTemplate(template, '/aab/c');

    // Assess
    expect(literal).toBe(true);
    expect(asRegex).toBe(false);
  });

  it('matches the whole path only, not a prefix or suffix', () => {
    // Prepare
    const template = '/health';

    // Act
    const exact = matchesPathTemplate(template, '/health');
    const longer = matchesPathTemplate(template, '/health/more');
    const prefixed = matchesPathTemplate(template, '/v1/health');

    // Assess
    expect(exact).toBe(true);
    expect(longer).toBe(false);
    expect(prefixed).toBe(false);
  });

  it('matches templates with several parameters', () => {
    // Prepare
    const template = '/referrals/{id}/{action}';

    // Act
    const matches = matchesPathTemplate(template, '/referrals/r1/accept');
    const tooShort = matchesPathTemplate(template, '/referrals/r1');

    // Assess
    expect(matches).toBe(true);
    expect(tooShort).toBe(false);
  });

  it('gives the same answer on repeated calls (compiled once, cached)', () => {
    // Prepare
    const template = '/handoffs/{id}';

    // Act
    const answers = [1, 2, 3].map(() => matchesPathTemplate(template, '/handoffs/h1'));

    // Assess
    expect(answers).toEqual([true, true, true]);
  });
});
