/** The reference slice's Lambda: organisations, service areas and code lists (decision record 44). */
import { referenceFunction } from '../../../shared/reference/api/routes.ts';
import { handler as getReference } from './get-reference.ts';

export const handler = referenceFunction.serve({ getReference });
