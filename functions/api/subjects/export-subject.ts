import { exportSubjectRoute } from '../../../shared/referrals/api/subject-routes.ts';
import { subjectExportFiles } from '../../../shared/referrals/api/subject-export-csv.ts';
import { subjectRightsService } from '../../../shared/wiring/subjects.ts';

/** `POST /subjects/export`: everything held about one person, as JSON with the same records as CSV files. */
export const handler = exportSubjectRoute.handle(async ({ caller, body }) => {
  const bundle = await subjectRightsService.export(caller, body.nhsNumber);
  return { statusCode: 200, headers: { 'Cache-Control': 'no-store' }, body: { ...bundle, files: subjectExportFiles(bundle) } };
});
