/**
 * Composition root of the daily user-directory export: configuration read once per cold start,
 * the pool read through Cognito's JSON API and the document written to the export bucket. The
 * Lambda entry takes the AWS adapters; tests pass their own.
 */
import { createExportUsersHandler } from '../directory/api/export-users-handler.ts';
import { CognitoUserDirectory, cognitoClient } from '../directory/data/cognito-user-directory.ts';
import { loadDirectoryExportConfig } from '../directory/data/export-environment.ts';
import { S3ExportWriter } from '../directory/data/s3-export-writer.ts';
import type { ExportWriter, UserDirectoryReader } from '../directory/domain/ports.ts';

/** What the export can be given instead of its defaults. */
export interface ExportUsersAdapters {
  readonly reader?: UserDirectoryReader;
  readonly writer?: ExportWriter;
  readonly now?: () => Date;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The export's handler on `adapters`. Configuration is read now. */
export const exportUsersHandler = (adapters: ExportUsersAdapters = {}) => {
  const config = loadDirectoryExportConfig(adapters.env);
  return createExportUsersHandler({
    reader: adapters.reader ?? new CognitoUserDirectory({ client: cognitoClient(), userPoolId: config.userPoolId }),
    writer: adapters.writer ?? new S3ExportWriter({ bucket: config.bucketName }),
    stage: config.stage,
    userPoolId: config.userPoolId,
    ...(adapters.now ? { now: adapters.now } : {}),
  });
};
