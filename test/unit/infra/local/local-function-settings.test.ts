/**
 * The local runtime runs each function with the deployed `dev` settings, and
 * `JOINTLY_FUNCTION_TIMEOUTS` changes only the timeouts it names (checked, one clear sentence).
 */
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '#infra/config/stage-config.ts';
import { stageFunctionSettings } from '#infra/function-settings.ts';
import { FunctionTimeoutsEnvError, localFunctionSettings } from '#infra/local/local-function-settings.ts';

describe('localFunctionSettings', () => {
  it("uses every function's deployed dev timeout and memory", () => {
    // Prepare
    const deployed = stageFunctionSettings(loadStageConfig('dev', { env: {} }));

    // Act
    const local = localFunctionSettings({});

    // Assess
    expect([...local.keys()].sort()).toEqual([...deployed.keys()].sort());
    for (const [id, settings] of deployed) {
      expect(local.get(id), id).toMatchObject({
        timeoutMs: settings.timeoutSeconds * 1000,
        memoryMb: settings.memoryMb,
        overridden: false,
      });
    }
    expect(local.get('slaSweep')!.timeoutMs).toBeGreaterThanOrEqual(60_000);
  });

  it('shortens only the functions JOINTLY_FUNCTION_TIMEOUTS names', () => {
    // Act
    const local = localFunctionSettings({ JOINTLY_FUNCTION_TIMEOUTS: '{"slaSweep":10,"deliver":2.5}' });

    // Assess
    expect(local.get('slaSweep')).toMatchObject({ timeoutMs: 10_000, overridden: true });
    expect(local.get('deliver')).toMatchObject({ timeoutMs: 2_500, overridden: true });
    expect(local.get('fanOut')).toMatchObject({ timeoutMs: 10_000, overridden: false });
  });

  it.each([
    ['not JSON', 'slaSweep=10', /must be a JSON object such as \{"slaSweep":10\}/],
    ['an array', '[10]', /must be a JSON object/],
    ['an unknown function', '{"sweeper":10}', /names sweeper, which is not a function id/],
    ['a zero timeout', '{"slaSweep":0}', /JOINTLY_FUNCTION_TIMEOUTS\.slaSweep must be a number of seconds above 0 and at most 900/],
    ['a text timeout', '{"slaSweep":"10"}', /JOINTLY_FUNCTION_TIMEOUTS\.slaSweep must be a number/],
  ])('rejects %s with one clear sentence', (_case, raw, message) => {
    // Act
    const load = () => localFunctionSettings({ JOINTLY_FUNCTION_TIMEOUTS: raw });

    // Assess
    expect(load).toThrow(FunctionTimeoutsEnvError);
    expect(load).toThrow(message);
  });
});
