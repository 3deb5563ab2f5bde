/** The FHIR face's Lambda (its own slice, decision record 44): each route to its handler module beside this one. */
import { fhirFunction } from '../../../shared/fhir/api/routes.ts';
import { handler as getFhirMetadata } from './get-metadata.ts';
import { handler as processFhirMessage } from './process-message.ts';
import { handler as readCodeSystem } from './read-code-system.ts';
import { handler as readOrganization } from './read-organization.ts';
import { handler as readServiceRequest } from './read-service-request.ts';
import { handler as readTask } from './read-task.ts';
import { handler as refuseServiceRequestGetSearch } from './refuse-service-request-get-search.ts';
import { handler as searchServiceRequests } from './search-service-requests.ts';
import { handler as searchTasks } from './search-tasks.ts';

export const handler = fhirFunction.serve({
  getFhirMetadata,
  readServiceRequest,
  searchServiceRequests,
  refuseServiceRequestGetSearch,
  readTask,
  searchTasks,
  processFhirMessage,
  readOrganization,
  readCodeSystem,
});
