import { getReferenceRoute } from '../../../shared/reference/api/routes.ts';
import { referenceService } from '../../../shared/wiring/reference.ts';

/** `GET /reference` (authenticated, any Jointly role; a caller with none gets 403 as on every route): registries and closed code lists. */
export const handler = getReferenceRoute.handle(({ caller }) => ({ statusCode: 200, body: referenceService.read(caller) }));
