/** The daily user-directory export (shared/directory/api/export-users-handler.ts) on the Cognito and S3 adapters of its composition root. */
import { exportUsersHandler } from '../../../shared/wiring/export-users.ts';

export const handler = exportUsersHandler();
