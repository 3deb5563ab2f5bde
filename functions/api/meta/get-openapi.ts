import { getOpenApiRoute } from '../../../shared/meta/api/routes.ts';
import { openApiDocument } from '../../../shared/wiring/openapi.ts';

/** `GET /openapi.json`: the OpenAPI 3.1 contract, generated once per cold start from the routes CDK deploys. */
export const handler = getOpenApiRoute.handle(() => ({ statusCode: 200, body: openApiDocument }));
