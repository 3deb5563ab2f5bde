import { getOpenApiRoute } from '../../../shared/meta/api/routes.ts';

/**
 * `GET /openapi.json`: the OpenAPI 3.1 contract, generated once per execution environment
 * from the routes CDK deploys. Loaded on the first request for it, not at import: the same
 * function answers `/health` and `$default`, whose cold starts should not build it.
 */
export const handler = getOpenApiRoute.handle(async () => {
  const { openApiDocument } = await import('../../../shared/wiring/openapi.ts');
  return { statusCode: 200, body: openApiDocument };
});
