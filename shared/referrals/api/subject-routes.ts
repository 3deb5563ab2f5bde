/**
 * The person's-rights routes (docs/records-retention.md): the subject access export and
 * erasure, for a programme manager holding the `information_governance` role. They have a
 * function of their own: they are rare, read or delete a whole person's records across
 * organisations, and so get a longer timeout than a click needs, without the referral
 * function's other routes sharing it.
 */
import type { ApiSecretName } from '../../platform/http/route-definition.ts';
import { defineRoute } from '../../platform/http/route-definition.ts';
import { defineSliceFunction } from '../../platform/http/function-dispatch.ts';
import { ErasureResultSchema, SubjectEraseBodySchema, SubjectExportBodySchema, SubjectExportSchema } from '../domain/subject-schemas.ts';

/** The Lambda that serves the person's-rights routes. */
export const SUBJECTS_FUNCTION = { functionId: 'subjectsApi', entry: 'functions/api/subjects/handler.ts' } as const;

/** The key the person index is read with (shared/wiring/subjects.ts loads exactly this). */
export const SUBJECT_SECRETS = ['subjectHashKey'] as const satisfies readonly ApiSecretName[];

export const exportSubjectRoute = defineRoute({
  operationId: 'exportSubject',
  method: 'POST',
  path: '/subjects/export',
  auth: 'jwt',
  ...SUBJECTS_FUNCTION,
  summary: 'Subject access: every referral, handoff, event, note and access-log entry for one NHS number (JSON and CSV)',
  tags: ['subjects'],
  request: { body: SubjectExportBodySchema },
  success: {
    status: 200,
    description: 'Everything held about the person, recorded in each referral’s access log',
    schema: SubjectExportSchema,
  },
  errorStatuses: [401, 403, 415],
  tableAccess: 'readWrite',
  secrets: SUBJECT_SECRETS,
});

export const eraseSubjectRoute = defineRoute({
  operationId: 'eraseSubject',
  method: 'POST',
  path: '/subjects/erase',
  auth: 'jwt',
  ...SUBJECTS_FUNCTION,
  summary: 'Erase or rectify a person’s referrals where the law allows, with a reason code (audited)',
  tags: ['subjects'],
  request: { body: SubjectEraseBodySchema },
  success: { status: 200, description: 'The referrals erased, each leaving only a referral.disposed event', schema: ErasureResultSchema },
  errorStatuses: [401, 403, 404, 409, 415, 422],
  tableAccess: 'readWrite',
  secrets: SUBJECT_SECRETS,
});

/** Every person's-rights route, in contract order. */
export const SUBJECT_ROUTES = [exportSubjectRoute, eraseSubjectRoute] as const;

/** The function serving them. */
export const subjectsFunction = defineSliceFunction(SUBJECTS_FUNCTION, SUBJECT_ROUTES);
