/** `GET /reference`: the registries and closed code lists clients build their forms from. */
import { defineRoute } from '../../platform/http/route-definition.ts';
import { ReferenceSchema } from '../domain/reference-schemas.ts';
import { defineSliceFunction } from '../../platform/http/function-dispatch.ts';

/**
 * The Lambda that serves every route of this slice: one function per feature slice, chosen
 * by simulation (docs/decisions.md, record 44); its entry hands each route to its handler.
 */
export const REFERENCE_FUNCTION = { functionId: 'referenceApi', entry: 'functions/api/reference/handler.ts' } as const;

export const getReferenceRoute = defineRoute({
  operationId: 'getReference',
  method: 'GET',
  path: '/reference',
  auth: 'jwt',
  ...REFERENCE_FUNCTION,
  summary: 'Organisations, service areas, priorities with response targets, and the closed code lists',
  tags: ['reference'],
  success: { status: 200, description: 'Reference data', schema: ReferenceSchema },
  errorStatuses: [401, 403],
});

/** The reference slice's routes. */
export const REFERENCE_ROUTES = [getReferenceRoute] as const;

/** The reference slice's Lambda and the routes it serves. */
export const referenceFunction = defineSliceFunction(REFERENCE_FUNCTION, REFERENCE_ROUTES);
