/**
 * The fixed URIs of Jointly's FHIR R4 face: the version and media type it speaks, and the
 * identifier and code systems it writes. Pure data. National systems are NHS England's own,
 * so a receiving system recognises an NHS number or ODS code without a mapping of ours;
 * everything Jointly mints lives under one base it controls.
 */

/** The FHIR release every resource conforms to (R4). */
export const FHIR_VERSION = '4.0.1';

/** The media type of FHIR JSON, for `Content-Type` and the capability statement's `format`. */
export const FHIR_MEDIA_TYPE = 'application/fhir+json';

/** NHS England's system for NHS numbers (UK Core `Patient.identifier`). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** NHS England's system for Organisation Data Service codes. */
export const ODS_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** Jointly's organisation ids (`ecc`, `provide`): what tokens carry, stable where ODS codes may not exist (voluntary sector). */
export const ORGANISATION_ID_SYSTEM = 'https://jointly.dev/fhir/Id/organisation';

/** Jointly's referral ids (ULIDs). */
export const REFERRAL_ID_SYSTEM = 'https://jointly.dev/fhir/Id/referral';

/** Jointly's handoff ids (ULIDs). */
export const HANDOFF_ID_SYSTEM = 'https://jointly.dev/fhir/Id/handoff';

/**
 * An organisation's own id for the person (`subject.localId`). One system for every
 * organisation: the identifier's `assigner` says whose it is, since one org's 12345 is not another's.
 */
export const LOCAL_ID_SYSTEM = 'https://jointly.dev/fhir/Id/local-id';

/** The canonical URL of one of Jointly's code systems (`code-systems.ts`), by its id. */
export const codeSystemUrl = (id: string): string => `https://jointly.dev/fhir/CodeSystem/${id}`;
