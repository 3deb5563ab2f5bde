/**
 * The scheduled user-directory export (an EventBridge schedule, once a day, in the API stack
 * beside the pool): runs the export use case and logs what it stored, as counts and the object
 * key only, never a user. Built on its adapters by shared/wiring/export-users.ts. Not run by the
 * local runtime, which has no user pool (docs/user-directory-export.md).
 */
import { logger } from '../../platform/http/logger.ts';
import { exportUsers, type ExportUsersDependencies, type ExportUsersResult } from '../domain/export-users.ts';

/** The scheduled handler on `dependencies`: the event (a schedule tick) carries nothing it reads. */
export const createExportUsersHandler =
  (dependencies: ExportUsersDependencies) =>
  async (_event?: unknown): Promise<ExportUsersResult> => {
    const result = await exportUsers(dependencies);
    logger.info('User directory exported', { ...result });
    return result;
  };
