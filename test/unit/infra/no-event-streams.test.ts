/**
 * The event-stream stand-in Lambda bundles get: the same export names as the module it
 * replaces (a build that imports a missing name would fail; one the real module gains
 * would go unnoticed), and each export refuses loudly when used.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as alias from '#infra/bundling/no-event-streams.ts';

// The module the SDK clients we bundle really use (resolved from one of them, so the version is theirs).
const real = createRequire(import.meta.resolve('@aws-sdk/client-dynamodb'))('@smithy/core/event-streams') as Record<string, unknown>;

describe('infra/bundling/no-event-streams.ts', () => {
  it('exports exactly the names of @smithy/core/event-streams, plus its own error', () => {
    // Act
    const names = Object.keys(alias).filter((name) => name !== 'EventStreamsNotBundledError');

    // Assess
    // Node's CommonJS interop adds `default` and `module.exports` to the real module's namespace.
    expect(names.sort()).toEqual(
      Object.keys(real)
        .filter((name) => name !== 'default' && name !== 'module.exports')
        .sort(),
    );
  });

  it('throws a named error from every export, classes and functions alike', () => {
    // Prepare
    const uses = Object.entries(alias)
      .filter(([name]) => name !== 'EventStreamsNotBundledError')
      .map(([name, value]) => () => {
        const fn = value as unknown as new () => unknown;
        try {
          return new fn();
        } catch (error) {
          if (error instanceof TypeError && /not a constructor/.test(error.message)) return (value as () => unknown)();
          throw error;
        }
      });

    // Act
    const outcomes = uses.map((use) => {
      try {
        use();
        return 'returned';
      } catch (error) {
        return (error as Error).name;
      }
    });

    // Assess
    expect(outcomes.length).toBeGreaterThan(10);
    expect(new Set(outcomes)).toEqual(new Set(['EventStreamsNotBundledError']));
  });
});
