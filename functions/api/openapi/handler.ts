import { ROUTES } from '../../../infra/routes.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { buildOpenApiDocument } from '../../../shared/platform/http/openapi-document.ts';

// Generated once per cold start from the same route table CDK deploys.
const document = buildOpenApiDocument(ROUTES);

/** `GET /openapi.json`: the OpenAPI 3.1 contract. */
export const handler = httpHandler({ auth: 'none' }, () => ({ statusCode: 200, body: document }));
