/** `GET /reference`: the registries and closed code lists clients build their forms from. */
import { defineRoute } from '../../platform/http/route-definition.ts';
import { ReferenceSchema } from '../domain/reference-schemas.ts';

export const getReferenceRoute = defineRoute({
  operationId: 'getReference',
  method: 'GET',
  path: '/reference',
  auth: 'jwt',
  entry: 'functions/api/reference/handler.ts',
  summary: 'Organisations, service areas, priorities with response targets, and the closed code lists',
  tags: ['reference'],
  success: { status: 200, description: 'Reference data', schema: ReferenceSchema },
  errorStatuses: [401, 403],
});

/** The reference slice's routes. */
export const REFERENCE_ROUTES = [getReferenceRoute] as const;
