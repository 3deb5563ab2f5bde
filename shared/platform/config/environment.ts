/**
 * The names of the environment variables Jointly's functions read: the one registry the
 * readers (runtime-config.ts, secrets.ts, event-config.ts, the delivery worker's wiring,
 * the AWS adapters' error messages, the logger and EMF sink) and the writers (the CDK
 * constructs and stacks, the local runtime, the bundle measurement) spell them from.
 *
 * Knobs of the local runtime itself (`PORT`, `JOINTLY_SLA_SWEEP_SECONDS`,
 * `JOINTLY_FUNCTION_TIMEOUTS`, fault injection) are not a function's environment: they live
 * with the runtime under `infra/local/`.
 */

/** What every function may read (runtime-config.ts), written by `JointlyFunction` and the local runtime. */
export const ENV = {
  stage: 'JOINTLY_STAGE',
  tableName: 'JOINTLY_TABLE_NAME',
  /** JSON object of minutes per priority, e.g. `{"urgent":1}`; missing priorities keep defaults. */
  priorityTargets: 'JOINTLY_PRIORITY_TARGET_MINUTES',
  /**
   * JSON object of retention rules as ISO 8601 durations, e.g. `{"closedReferral":"P8Y"}`
   * (shared/core/retention.ts); missing rules keep their defaults.
   */
  retention: 'JOINTLY_RETENTION',
  /** HMAC key (≥ 32 chars) turning NHS numbers and local ids into index keys. Must not change. */
  subjectHashKey: 'JOINTLY_SUBJECT_HASH_KEY',
  /** HMAC key (≥ 32 chars) signing list cursors. May rotate (outstanding cursors then 400). */
  cursorKey: 'JOINTLY_CURSOR_KEY',
  /**
   * JSON object of e-mail domains per organisation id, e.g. `{"meht":["mse.nhs.uk"]}`: a
   * listed org's domains replace the registry's (shared/core/organisations.ts); others keep theirs.
   */
  orgEmailDomains: 'JOINTLY_ORG_EMAIL_DOMAINS',
  /** JSON object of NHS ODS codes per organisation id, e.g. `{"meht":"RQ8"}`: shown on the FHIR Organization. */
  orgOdsCodes: 'JOINTLY_ORG_ODS_CODES',
  /** Most subscriptions one user may hold (default MAX_SUBSCRIPTIONS_PER_USER). */
  subscriptionCap: 'JOINTLY_SUBSCRIPTION_CAP',
  /** Local runtime only: DynamoDB endpoint override (DynamoDB Local). */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
} as const;

/** The API's secrets in deployed stages: variables naming their Secrets Manager ARNs. */
export const SECRET_ARN_ENV = {
  subjectHashKey: 'JOINTLY_SUBJECT_HASH_KEY_ARN',
  cursorKey: 'JOINTLY_CURSOR_KEY_ARN',
} as const;

/** The name of one of the API's secrets (HMAC keys). */
export type ApiSecretName = keyof typeof SECRET_ARN_ENV;

/** The event path's settings and resources (event-config.ts), written by the stacks and the local runtime. */
export const EVENT_ENV = {
  /** EventBridge bus name (deployed). */
  eventBusName: 'JOINTLY_EVENT_BUS_NAME',
  /** SQS queue URL of delivery jobs (deployed). */
  deliveryQueueUrl: 'JOINTLY_DELIVERY_QUEUE_URL',
  /** SES sender identity for e-mail alerts (deployed). */
  sesSender: 'JOINTLY_SES_SENDER',
  /** KMS key ARN sealing webhook secrets (deployed). */
  sealKeyArn: 'JOINTLY_SEAL_KEY_ARN',
  /** `public-https` (deployed: https only, public addresses only) or `allow-loopback` (local). */
  webhookPolicy: 'JOINTLY_WEBHOOK_POLICY',
  /** Base URL that alert e-mails link to (the client application). */
  appBaseUrl: 'JOINTLY_APP_BASE_URL',
} as const;

/** What only the delivery worker reads (shared/wiring/events.ts). */
export const DELIVERY_ENV = {
  /** Backoff base in ms (default 2000: 2, 4, 8, 16 s). Tests shorten it; SQS delays round up to whole seconds. */
  backoffBaseMs: 'JOINTLY_DELIVERY_BACKOFF_BASE_MS',
} as const;

/** What only the fan-out worker reads (shared/wiring/events.ts). */
export const HOLD_ENV = {
  /**
   * For testers: no quiet-hours or digest window lasts longer than this many seconds
   * (shared/subscriptions/domain/push-timing.ts). Unset in every deployed stage.
   */
  windowSeconds: 'JOINTLY_PUSH_WINDOW_SECONDS',
} as const;

/** Powertools' own variables that Jointly sets or reads too. */
export const POWERTOOLS_ENV = {
  /** The `service` of every log line and metric. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Whether the business metrics' EMF lines are printed (shared/metrics/data/emf.ts). */
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
} as const;
