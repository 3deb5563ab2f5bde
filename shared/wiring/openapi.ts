/** Composition root of `GET /openapi.json`: the document, generated once per cold start from every route. */
import { buildOpenApiDocument } from '../platform/http/openapi-document.ts';
import { ROUTES } from './routes.ts';

/** The OpenAPI 3.1 contract of the routes this stage deploys. */
export const openApiDocument = buildOpenApiDocument(ROUTES);
