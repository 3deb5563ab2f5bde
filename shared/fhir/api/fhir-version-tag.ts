import { etagOf } from '../../platform/http/conditional-request.ts';

/** FHIR's version ETag (`W/"<versionId>"`, as the `meta.versionId` it mirrors), or no header when the resource has no version. */
export const fhirVersionTag = (version: number | undefined): Record<string, string> =>
  version === undefined ? {} : { ETag: `W/${etagOf(version)}` };
