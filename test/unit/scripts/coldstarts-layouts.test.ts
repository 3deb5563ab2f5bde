import { describe, expect, it } from 'vitest';
import { runExperiment } from '#scripts/coldstarts/experiment.ts';
import {
  buildLayout,
  LAYOUT_NAMES,
  routeHandlerOf,
  SINGLE_FUNCTION,
  SLICE_ROUTES,
  sliceFunctionOf,
  sliceOf,
} from '#scripts/coldstarts/layouts.ts';
import { functionIdOf } from '#shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '#shared/wiring/routes.ts';

describe('layouts', () => {
  it.each(LAYOUT_NAMES)('%s covers every route and the catch-all exactly once', (name) => {
    // Prepare
    const operationIds = [...ROUTES.map((r) => r.operationId), DEFAULT_ROUTE.operationId];

    // Act
    const layout = buildLayout(name);

    // Assess
    expect([...layout.functionOf.keys()].sort()).toEqual([...operationIds].sort());
    const served = layout.functions.flatMap((f) => [...layout.functionOf].filter(([, id]) => id === f.id).map(([op]) => op));
    expect(served.sort()).toEqual([...operationIds].sort());
    expect(new Set(layout.functions.map((f) => f.id)).size).toBe(layout.functions.length);
  });

  it('per-route: one function per route handler (a route group is one), and $default on its own', () => {
    // Act
    const layout = buildLayout('per-route');

    // Assess
    for (const route of ROUTES) expect(layout.functionOf.get(route.operationId)).toBe(routeHandlerOf(route));
    expect(layout.functionOf.get('acceptReferral')).toBe('referralAction');
    expect(layout.functionOf.get('declineHandoff')).toBe('handoffAction');
    expect(layout.functionOf.get('createReferral')).toBe('createReferral');
    expect(layout.functionOf.get(DEFAULT_ROUTE.operationId)).toBe(DEFAULT_ROUTE.operationId);
    expect(layout.functions).toHaveLength(new Set(ROUTES.map(routeHandlerOf)).size + 1);
  });

  it('per-slice is the deployment (decision record 44): each route on the function its definition names', () => {
    // Act
    const layout = buildLayout('per-slice');

    // Assess
    for (const route of ROUTES) expect(layout.functionOf.get(route.operationId)).toBe(functionIdOf(route));
    expect(layout.functionOf.get(DEFAULT_ROUTE.operationId)).toBe(functionIdOf(DEFAULT_ROUTE));
  });

  it('per-slice follows the routes module each route is defined in; $default joins meta', () => {
    // Act
    const layout = buildLayout('per-slice');

    // Assess
    expect(layout.functions.map((f) => f.id).sort()).toEqual(
      Object.keys(SLICE_ROUTES)
        .map((slice) => sliceFunctionOf(slice))
        .sort(),
    );
    expect(layout.functionOf.get('acceptReferral')).toBe('referralsApi');
    expect(layout.functionOf.get('acceptHandoff')).toBe('referralsApi');
    expect(layout.functionOf.get('listAlerts')).toBe('subscriptionsApi');
    expect(layout.functionOf.get(DEFAULT_ROUTE.operationId)).toBe('metaApi');
    const referrals = layout.functions.find((f) => f.id === 'referralsApi')!;
    expect(referrals.merges).toContain('referralAction');
    expect(referrals.merges).toContain('handoffAction');
  });

  it('single serves everything from one function', () => {
    // Act
    const layout = buildLayout('single');

    // Assess
    expect(layout.functions).toHaveLength(1);
    expect(new Set(layout.functionOf.values())).toEqual(new Set([SINGLE_FUNCTION]));
  });

  it('a route no slice defines is refused rather than left out', () => {
    // Prepare
    const stray = { ...ROUTES[0]!, operationId: 'strayRoute' };

    // Act
    const act = () => buildLayout('per-slice', [...ROUTES, stray]);

    // Assess
    expect(() => sliceOf(stray)).toThrow(/defined by 0 slices/);
    expect(act).toThrow(/strayRoute/);
  });
});

describe('cold fraction by layout on the same seeded traffic', () => {
  it('single ≤ per-slice ≤ per-route where idle gaps dominate (50 referrals a day)', () => {
    // Prepare
    const options = { seeds: [15], days: 5, volumes: [{ name: 'small team', perDay: 50 }] };

    // Act
    const result = runExperiment(options);

    // Assess
    for (const scenario of result.scenarios) {
      const [perRoute, perSlice, single] = scenario.layouts.map((l) => l.coldFraction);
      expect(scenario.layouts.map((l) => l.layout)).toEqual(['per-route', 'per-slice', 'single']);
      expect(single!).toBeLessThanOrEqual(perSlice!);
      expect(perSlice!).toBeLessThanOrEqual(perRoute!);
      expect(new Set(scenario.layouts.map((l) => l.requests)).size).toBe(1);
    }
  });
});
