/**
 * The settings the local runtime runs each function with: the deployed `dev` stage's, from
 * the same source the CDK stacks deploy (`infra/function-settings.ts`), so a local
 * invocation has exactly the time and memory it would have in AWS.
 *
 * One knob, for reproducing a tight budget on purpose: `JOINTLY_FUNCTION_TIMEOUTS`, a JSON
 * object of function id → timeout in seconds (e.g. `{"slaSweep":10}`). Anything else is
 * the deployed value.
 */
import { loadStageConfig } from '../config/stage-config.ts';
import { stageFunctionSettings, MAX_FUNCTION_TIMEOUT_SECONDS, type FunctionSettings } from '../function-settings.ts';
import type { LocalFunctionLimits } from './lambda-context.ts';

/** The stage whose deployed settings the local runtime uses. */
export const LOCAL_SETTINGS_STAGE = 'dev';

/** `{"<function id>": seconds, …}`: local timeouts that differ from the deployed ones. */
export const FUNCTION_TIMEOUTS_ENV = 'JOINTLY_FUNCTION_TIMEOUTS';

/** A function's settings as the local runtime applies them. */
export interface LocalFunctionSettings extends FunctionSettings, LocalFunctionLimits {
  /** Whether `JOINTLY_FUNCTION_TIMEOUTS` changed the deployed timeout. */
  readonly overridden: boolean;
}

/** `JOINTLY_FUNCTION_TIMEOUTS` is not a JSON object of known function ids to seconds. */
export class FunctionTimeoutsEnvError extends Error {
  override name = 'FunctionTimeoutsEnvError';
}

/** Parses `JOINTLY_FUNCTION_TIMEOUTS` against the known function ids; throws one clear sentence. */
export const parseFunctionTimeouts = (raw: string | undefined, knownIds: Iterable<string>): Record<string, number> => {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new FunctionTimeoutsEnvError(`${FUNCTION_TIMEOUTS_ENV} must be a JSON object such as {"slaSweep":10}, not "${raw}".`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FunctionTimeoutsEnvError(`${FUNCTION_TIMEOUTS_ENV} must be a JSON object such as {"slaSweep":10}.`);
  }
  const known = new Set(knownIds);
  const out: Record<string, number> = {};
  for (const [id, seconds] of Object.entries(parsed)) {
    if (!known.has(id))
      throw new FunctionTimeoutsEnvError(
        `${FUNCTION_TIMEOUTS_ENV} names ${id}, which is not a function id (known: ${[...known].join(', ')}).`,
      );
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_FUNCTION_TIMEOUT_SECONDS) {
      throw new FunctionTimeoutsEnvError(
        `${FUNCTION_TIMEOUTS_ENV}.${id} must be a number of seconds above 0 and at most ${MAX_FUNCTION_TIMEOUT_SECONDS}.`,
      );
    }
    out[id] = seconds;
  }
  return out;
};

/** Every function's local settings, by function id: the `dev` stage's, with the env overrides applied. */
export const localFunctionSettings = (env: NodeJS.ProcessEnv = process.env): ReadonlyMap<string, LocalFunctionSettings> => {
  // Only the checked-in stage values: no account or region from the environment is needed.
  const deployed = stageFunctionSettings(loadStageConfig(LOCAL_SETTINGS_STAGE, { env: {} }));
  const overrides = parseFunctionTimeouts(env[FUNCTION_TIMEOUTS_ENV], deployed.keys());
  return new Map(
    [...deployed].map(([id, settings]) => {
      const seconds = overrides[id];
      return [id, { ...settings, timeoutMs: (seconds ?? settings.timeoutSeconds) * 1000, overridden: seconds !== undefined }];
    }),
  );
};
