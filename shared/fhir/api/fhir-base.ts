/**
 * The absolute base URL of the FHIR face as the client reached it, for the `fullUrl`s and
 * links FHIR requires to be absolute: API Gateway says which scheme and host it was called
 * on (`X-Forwarded-Proto`, `Host`), so a custom domain or the local runtime get their own.
 */
import type { HttpEvent } from '../../platform/http/middleware.ts';
import { FHIR_BASE_PATH } from './routes.ts';

/** `https://<host>/fhir/R4` for the request `event`. */
export const fhirBaseOf = (event: HttpEvent): string => {
  const proto = event.headers?.['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  const host = event.headers?.host ?? event.requestContext.domainName;
  return `${proto}://${host}${FHIR_BASE_PATH}`;
};
