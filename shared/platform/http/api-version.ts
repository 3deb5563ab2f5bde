/** The API's version: the OpenAPI document's and the FHIR CapabilityStatement's (a module of its own, so reading it bundles nothing else). */
export const API_VERSION = '1.0.0';
