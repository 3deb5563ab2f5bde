import { eraseSubjectRoute } from '../../../shared/referrals/api/subject-routes.ts';
import { subjectRightsService } from '../../../shared/wiring/subjects.ts';

/** `POST /subjects/erase`: erases the person's referrals (or the named ones) with a reason code. */
export const handler = eraseSubjectRoute.handle(async ({ caller, body }) => {
  const result = await subjectRightsService.erase(caller, body);
  return { statusCode: 200, body: { reasonCode: body.reasonCode, requestReference: body.requestReference, ...result } };
});
