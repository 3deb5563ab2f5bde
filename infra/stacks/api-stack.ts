/**
 * `ApiStack`: Cognito (users, the `custom:org` attribute, one group per role, managed login and
 * the console's client: user-directory.ts), the HTTP API with its JWT authorizer, the console's
 * CloudFront distribution in front of it (console-distribution.ts), and one `JointlyFunction`
 * plus one route per route definition (shared/wiring/routes.ts gathers them from the slices),
 * plus the `$default` catch-all that answers unknown routes with problem+json. Local-only
 * routes are not route definitions, so never deployed.
 *
 * The distribution is here, not in a stack of its own, because three things need each other's
 * values: the distribution's default origin is the API, the console client's callback URL is
 * the distribution's domain, and the API's authorizer admits the console client. In one stack
 * these are references between resources, which CloudFormation orders; across stacks they
 * would be a cycle of exports. The console's files are uploaded after, by the console stack.
 *
 * Also, being the stage's last stack but the console's files: the API's alarms (every
 * function's errors and throttles, 5xx, p99 latency) and the stage dashboard `jointly-<stage>`.
 *
 * And, beside the pool it reads, the user directory's daily export (user-directory.ts,
 * docs/user-directory-export.md): the `exportUsers` function, its schedule and its bucket.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { EVENT_ENV } from '../../shared/platform/config/environment.ts';
import { ALARM_PERIOD, API_LATENCY_P99_THRESHOLD_MS, RUNBOOKS, StageAlarms } from '../constructs/alarms.ts';
import { StageDashboard } from '../constructs/dashboard.ts';
import { allowSendMessages } from '../constructs/encrypted-queues.ts';
import type { EventPathMonitoring } from './event-path-monitoring.ts';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.ts';
import { WEBHOOK_SECRET_PURPOSE, webhookSecretRoleNamesOf } from './data-stack.ts';
import { JointlyFunction } from '../constructs/jointly-function.ts';
import { addConsoleClient, addUserDirectory, addUserDirectoryExport, EXPORT_USERS_FUNCTION } from './user-directory.ts';
import { ConsoleDistribution } from '../constructs/console-distribution.ts';
import { pascal } from '../construct-ids.ts';
import { functionIdOf, type RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '../../shared/wiring/routes.ts';

/** A function's description: its routes (Lambda allows 256 characters, so a long list ends with a count). */
const describeFunction = (routes: readonly RouteDefinition[], catchAll: boolean): string => {
  const keys = [...routes.map((r) => `${r.method} ${r.path}`), ...(catchAll ? ['$default'] : [])];
  if (keys.length === 1 && routes[0]) return `${keys[0]}: ${routes[0].summary}`;
  let text = '';
  for (const [i, key] of keys.entries()) {
    const next = text ? `${text}, ${key}` : key;
    const rest = keys.length - i - 1;
    if (next.length + (rest > 0 ? ` and ${rest} more routes`.length : 0) > 256) return `${text} and ${keys.length - i} more routes`;
    text = next;
  }
  return text;
};

/** Properties of the API stack. */
export interface ApiStackProps extends StackProps {
  /** The validated stage configuration. */
  readonly stageConfig: StageConfig;
  /** The stage's table (from the data stack). */
  readonly table: ITableV2;
  /** The stage's customer-managed key: encrypts the API's and the functions' log groups. */
  readonly key: kms.IKey;
  /**
   * The ARN of the data stack's subject-hash key secret (kept with the table). Imported by ARN,
   * so read grants land on the function roles. @default - a secret of this stack (probe stacks in tests)
   */
  readonly subjectHashKeySecretArn?: string;
  /** The routes to deploy. @default ROUTES */
  readonly routes?: readonly RouteDefinition[];
  /** Event-path resources for routes declaring `eventAccess` (from the events stack). */
  readonly events?: {
    readonly deliveryQueue: sqs.IQueue;
    /** The stage key (the delivery queue is encrypted with it). */
    readonly sealKeyArn: string;
    /** The data stack's webhook-secret key: the sealing function encrypts with it. */
    readonly webhookSecretKeyArn: string;
  };
  /**
   * The stage's alarm topic and what the dashboard shows of the event path (from the
   * events stack). Without it the stack has no alarms and no dashboard (probe stacks in tests).
   */
  readonly monitoring?: { readonly alarmTopic: sns.ITopic; readonly eventPath: EventPathMonitoring };
}

/** Headers browsers may send and read cross-origin (DESIGN §4). */
const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-correlation-id'];
const CORS_EXPOSE_HEADERS = ['etag', 'location', 'x-correlation-id'];

/** HTTP API access log line: JSON, no bodies, no query strings, no tokens. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    routeKey: '$context.routeKey',
    method: '$context.httpMethod',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    integrationLatency: '$context.integrationLatency',
    responseLatency: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/** Cognito, the HTTP API and the API functions of one stage. */
export class ApiStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** Managed login's Cognito domain (the console's sign-in page). */
  readonly loginDomain: cognito.UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly loginOrigin: string;
  /** The console's public app client (authorization code with PKCE). */
  readonly consoleClient: cognito.UserPoolClient;
  /** The console, the API reference and the API on one CloudFront origin. */
  readonly console: ConsoleDistribution;
  /** The export naming the site bucket's ARN, which the console stack uploads to. */
  readonly siteBucketExport: string;
  readonly httpApi: apigwv2.HttpApi;
  readonly httpStage: apigwv2.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  /** The function serving each route, by operationId (the default route's included); routes may share one. */
  readonly functions: ReadonlyMap<string, JointlyFunction>;
  /**
   * Each function of this stack once, by function id: the API functions (`functionIdOf(route)`,
   * and the default route's operationId) and the scheduled user export (`exportUsers`).
   */
  readonly functionsById: ReadonlyMap<string, JointlyFunction>;
  /** Holds the user directory's daily exports (docs/user-directory-export.md). */
  readonly userExportBucket: s3.Bucket;
  /** The stage dashboard (when `monitoring` is given). */
  readonly dashboard?: StageDashboard;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stageConfig, table, key } = props;
    const routes = props.routes ?? ROUTES;
    const retain = stageConfig.removalPolicy === 'retain';
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // ── Identity ────────────────────────────────────────────────────────────────────
    const directory = addUserDirectory(this, stageConfig);
    this.userPool = directory.userPool;
    this.userPoolClient = directory.userPoolClient;
    this.loginDomain = directory.loginDomain;
    this.loginOrigin = directory.loginOrigin;

    // ── HTTP API ────────────────────────────────────────────────────────────────────
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `jointly-${stageConfig.stage}`,
      description: `Jointly API (${stageConfig.stage})`,
      createDefaultStage: false,
      ...(stageConfig.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...stageConfig.corsOrigins],
              allowMethods: [
                apigwv2.CorsHttpMethod.GET,
                apigwv2.CorsHttpMethod.POST,
                apigwv2.CorsHttpMethod.DELETE,
                apigwv2.CorsHttpMethod.OPTIONS,
              ],
              allowHeaders: CORS_ALLOW_HEADERS,
              exposeHeaders: CORS_EXPOSE_HEADERS,
              allowCredentials: false,
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: stageConfig.logRetentionDays as logs.RetentionDays,
      encryptionKey: key,
      removalPolicy,
    });

    this.httpStage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: stageConfig.throttling.rateLimit, burstLimit: stageConfig.throttling.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    // ── The console: CloudFront in front of the API and the site, its Cognito client ──
    this.console = new ConsoleDistribution(this, 'ConsoleSite', {
      stageConfig,
      httpApi: this.httpApi,
      loginOrigin: this.loginOrigin,
    });
    this.consoleClient = addConsoleClient(this, directory, stageConfig, this.console.consoleOrigins);

    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', this.userPool.userPoolProviderUrl, {
      authorizerName: 'cognito-jwt',
      // API clients' ID tokens (SRP client) and the console's (managed login).
      jwtAudience: [this.userPoolClient.userPoolClientId, this.consoleClient.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });

    // ── Routes: one function and one route per route-table entry ────────────────────
    // ── Secrets: HMAC keys generated by Secrets Manager, never in the template ──────────
    // Imported by ARN so grants land on the function roles, not on the Data stack's key
    // policy (which would make the stacks depend on each other).
    const secretsKey = kms.Key.fromKeyArn(this, 'SecretsKey', key.keyArn);
    const apiSecrets = {
      subjectHashKey: props.subjectHashKeySecretArn
        ? secretsmanager.Secret.fromSecretAttributes(this, 'SubjectHashKey', {
            secretCompleteArn: props.subjectHashKeySecretArn,
            encryptionKey: secretsKey,
          })
        : new secretsmanager.Secret(this, 'SubjectHashKey', {
            secretName: `jointly-${stageConfig.stage}-probe/subject-hash-key`,
            description: 'Probe stacks only: the deployed stage reads the data stack’s subject-hash key.',
            encryptionKey: secretsKey,
            removalPolicy,
            generateSecretString: { passwordLength: 64, excludePunctuation: true },
          }),
      cursorKey: new secretsmanager.Secret(this, 'CursorKey', {
        secretName: `jointly-${stageConfig.stage}/cursor-key`,
        description: 'HMAC key signing list cursors. Rotating it invalidates outstanding cursors (clients get 400 and restart).',
        encryptionKey: secretsKey,
        removalPolicy,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      }),
    };
    for (const secret of Object.values(apiSecrets)) {
      if (!(secret instanceof secretsmanager.Secret)) continue;
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'HMAC keys, not credentials: the subject hash key must never change (it keys the person indexes); the cursor key is rotated by hand (README "Rotating secrets") since rotation only invalidates open cursors.',
      });
      Validations.of(secret).acknowledge({
        id: 'HIPAA.Security-SecretsManagerRotationEnabled',
        reason: 'HMAC keys, not credentials: see the AwsSolutions-SMG4 acknowledgement on this secret.',
      });
    }

    const functions = new Map<string, JointlyFunction>();
    // Routes naming the same `functionId` share one Lambda (e.g. the eight referral actions).
    const byFunctionId = new Map<string, JointlyFunction>();
    for (const route of routes) {
      const functionId = functionIdOf(route);
      let fn = byFunctionId.get(functionId);
      if (!fn) {
        const sharing = routes.filter((r) => functionIdOf(r) === functionId);
        const seals = sharing.some((r) => r.eventAccess?.includes('sealer'));
        fn = new JointlyFunction(this, pascal(functionId), {
          entry: route.entry,
          functionId,
          stageConfig,
          description: describeFunction(sharing, functionIdOf(DEFAULT_ROUTE) === functionId),
          logEncryptionKey: key,
          // The webhook-secret key's policy names this role (data stack).
          ...(seals ? { roleName: webhookSecretRoleNamesOf(stageConfig.stage, stageConfig.region).sealer } : {}),
        });
        const access = sharing.some((r) => r.tableAccess === 'readWrite')
          ? 'readWrite'
          : sharing.some((r) => r.tableAccess)
            ? 'read'
            : undefined;
        if (access) {
          fn.bindTable(table, access);
        }
        fn.bindSecrets(
          apiSecrets,
          sharing.flatMap((r) => r.secrets ?? []),
        );
        const eventAccess = new Set(sharing.flatMap((r) => r.eventAccess ?? []));
        if (eventAccess.size > 0 && !props.events) throw new Error(`${functionId} needs the events stack's resources.`);
        if (eventAccess.has('sealer')) {
          fn.addEnvironment(EVENT_ENV.sealKeyArn, props.events!.webhookSecretKeyArn);
          // Subscriptions check webhook URLs against the same policy deliveries use.
          fn.addEnvironment(EVENT_ENV.webhookPolicy, stageConfig.webhookPolicy);
          // Seals only (Encrypt): opening is the delivery worker's alone.
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['kms:Encrypt'],
              resources: [props.events!.webhookSecretKeyArn],
              conditions: { StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE } },
            }),
          );
        }
        if (eventAccess.has('deliveryQueue')) {
          fn.addEnvironment(EVENT_ENV.deliveryQueueUrl, props.events!.deliveryQueue.queueUrl);
          allowSendMessages(fn, props.events!.deliveryQueue, kms.Key.fromKeyArn(fn, 'DeliveryQueueKey', props.events!.sealKeyArn));
        }
        acknowledgeSynchronousInvocation(fn);
        byFunctionId.set(functionId, fn);
      }
      functions.set(route.operationId, fn);

      const httpRoute = new apigwv2.HttpRoute(this, `${pascal(route.operationId)}Route`, {
        httpApi: this.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${pascal(route.operationId)}Integration`, fn),
        authorizer: route.auth === 'jwt' ? this.authorizer : new apigwv2.HttpNoneAuthorizer(),
      });
      if (route.auth === 'none') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by contract (DESIGN §4: "anyone"); it returns no personal data.`,
        });
      }
    }

    // The catch-all is served by its slice's function (meta), which the meta routes made
    // above; a stack given other routes (tests' probes) gets it as a function of its own.
    let notFound = byFunctionId.get(functionIdOf(DEFAULT_ROUTE));
    if (!notFound) {
      notFound = new JointlyFunction(this, pascal(functionIdOf(DEFAULT_ROUTE)), {
        entry: DEFAULT_ROUTE.entry,
        functionId: functionIdOf(DEFAULT_ROUTE),
        stageConfig,
        description: '$default: unknown routes answer 404/405 as problem+json',
        logEncryptionKey: key,
      });
      acknowledgeSynchronousInvocation(notFound);
      byFunctionId.set(functionIdOf(DEFAULT_ROUTE), notFound);
    }
    functions.set(DEFAULT_ROUTE.operationId, notFound);

    // ── The user directory's daily export, beside the pool it reads ─────────────────
    const userExport = addUserDirectoryExport(this, { directory, stageConfig, key, accessLogs: this.console.logBucket });
    this.userExportBucket = userExport.bucket;
    byFunctionId.set(EXPORT_USERS_FUNCTION, userExport.fn);
    const defaultRoute = new apigwv2.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('DefaultIntegration', notFound),
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The $default catch-all only answers 404/405 problem+json for unmatched routes; it reads nothing.',
    });
    this.functions = functions;
    this.functionsById = byFunctionId;

    // ── Alarms (to the stage topic) and the stage dashboard ─────────────────────────
    if (props.monitoring) {
      const alarms = new StageAlarms(stageConfig.stage, props.monitoring.alarmTopic);
      for (const [functionId, fn] of byFunctionId) alarms.forFunction(fn, functionId);
      alarms.forRule({ rule: userExport.schedule, name: 'user-export' });
      alarms.add(this.httpStage, 'ServerErrorsAlarm', {
        name: 'api-5xx',
        metric: this.httpStage.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
        threshold: 0,
        description: 'the API answered 5xx; the API access logs and the function alarms say which route.',
        runbook: RUNBOOKS.api5xx,
      });
      alarms.add(this.httpStage, 'LatencyAlarm', {
        name: 'api-latency-p99',
        metric: this.httpStage.metricLatency({ period: ALARM_PERIOD, statistic: 'p99' }),
        threshold: API_LATENCY_P99_THRESHOLD_MS,
        description: `the API's p99 latency exceeded ${API_LATENCY_P99_THRESHOLD_MS} ms over five minutes.`,
        runbook: RUNBOOKS.apiLatencyP99,
      });
      this.dashboard = new StageDashboard(this, 'Dashboard', {
        stage: stageConfig.stage,
        httpStage: this.httpStage,
        apiFunctions: byFunctionId,
        eventPath: props.monitoring.eventPath,
        alarmNames: [...props.monitoring.eventPath.alarmNames, ...alarms.alarmNames],
      });
    }

    // ── Outputs ─────────────────────────────────────────────────────────────────────
    new CfnOutput(this, 'ApiUrl', { value: this.httpStage.url, description: 'Base URL of the Jointly API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Cognito user pool id' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.userPoolClient.userPoolClientId,
      description: 'Cognito app client id (the JWT audience)',
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.consoleUrl, description: 'The Jointly console' });
    new CfnOutput(this, 'ConsoleClientId', {
      value: this.consoleClient.userPoolClientId,
      description: "The console's Cognito app client id (authorization code with PKCE; also a JWT audience)",
    });
    this.siteBucketExport = `jointly-${stageConfig.stage}-site-bucket-arn`;
    new CfnOutput(this, 'SiteBucketArn', {
      value: this.console.bucket.bucketArn,
      exportName: this.siteBucketExport,
      description: "The console's site bucket (the console stack uploads the build to it)",
    });
    new CfnOutput(this, 'LoginUrl', { value: this.loginOrigin, description: "Cognito managed login (the console's sign-in)" });
    new CfnOutput(this, 'UserExportBucketName', {
      value: this.userExportBucket.bucketName,
      description: "The user directory's daily exports (docs/user-directory-export.md)",
    });
  }
}

/** API functions are invoked synchronously by API Gateway: failures go back to the caller. */
const acknowledgeSynchronousInvocation = (fn: JointlyFunction): void => {
  for (const id of ['HIPAA.Security-LambdaDLQ', 'Serverless-LambdaDLQ']) {
    Validations.of(fn).acknowledge({
      id,
      reason:
        'Invoked synchronously by API Gateway: a failure is returned to the caller as a 5xx, so there is no asynchronous event to dead-letter.',
    });
  }
};
