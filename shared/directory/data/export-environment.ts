/**
 * The user-directory export's environment: the pool it reads and the bucket it writes, set by
 * the API stack (infra/stacks/user-directory.ts) beside the stage every function gets.
 */
import { ENV } from '../../platform/config/environment.ts';

/** The variables the export function reads (beside `JOINTLY_STAGE`). */
export const DIRECTORY_EXPORT_ENV = {
  /** The stage's Cognito user pool id. */
  userPoolId: 'JOINTLY_USER_POOL_ID',
  /** The bucket exports are written to. */
  bucketName: 'JOINTLY_USER_EXPORT_BUCKET',
} as const;

/** What the export function is configured with. */
export interface DirectoryExportConfig {
  readonly stage: string;
  readonly userPoolId: string;
  readonly bucketName: string;
}

/** Reads the export's configuration from `env`; a missing variable fails with a sentence naming it. */
export const loadDirectoryExportConfig = (env: NodeJS.ProcessEnv = process.env): DirectoryExportConfig => {
  const read = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: the user-directory export needs it (infra/stacks/user-directory.ts sets it).`);
    return value;
  };
  return {
    stage: read(ENV.stage),
    userPoolId: read(DIRECTORY_EXPORT_ENV.userPoolId),
    bucketName: read(DIRECTORY_EXPORT_ENV.bucketName),
  };
};
