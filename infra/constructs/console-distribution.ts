/**
 * `ConsoleDistribution`: the one origin browsers see. A CloudFront distribution whose default
 * behaviour is the HTTP API (nothing cached, every method, every viewer header but `Host`
 * forwarded, so `Authorization` reaches the JWT authorizer), and whose `/console/*` and
 * `/docs/*` behaviours serve the built console and API reference from a private S3 bucket
 * through origin access control. The console and the API share the origin: no CORS, and the
 * token never leaves the page but in an `Authorization` header.
 *
 * The response headers of the site are infra/console/console-site.ts's, the local runtime's,
 * with the deployed CSP (Cognito's managed login admitted for the token exchange) and HSTS.
 * Cache lifetimes are the files' own `Cache-Control`, written on upload (console-stack.ts):
 * hashed assets a year and immutable, `index.html` and `config.json` never stored.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.ts';
import { API_REFERENCE_BASE_PATH, CONSOLE_BASE_PATH, cloudFrontHeadersOf, deployedConsoleHeaders } from '../console/console-site.ts';
import { pageFunctionCode, redirectFunctionCode } from './console-edge-functions.ts';

/** Properties of a `ConsoleDistribution`. */
export interface ConsoleDistributionProps {
  readonly stageConfig: StageConfig;
  /** The API every path outside the site goes to. */
  readonly httpApi: apigwv2.IHttpApi;
  /** Cognito's managed login origin, admitted by the deployed CSP. */
  readonly loginOrigin: string;
}

/** The console's CloudFront distribution, its bucket and their access logs. */
export class ConsoleDistribution extends Construct {
  /** The private bucket holding `console/…` and `docs/…`. */
  readonly bucket: s3.Bucket;
  /** Receives the bucket's server access logs (`site-bucket/`) and CloudFront's (`cloudfront/`). */
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /**
   * Every origin the console is served from: the distribution's own `https://<id>.cloudfront.net`,
   * and the stage's `appBaseUrl` when a certificate for it is configured (that one first).
   */
  readonly consoleOrigins: readonly string[];
  /** The console's address on its preferred origin: `<origin>/console/`. */
  readonly consoleUrl: string;

  constructor(scope: Construct, id: string, props: ConsoleDistributionProps) {
    super(scope, id);
    const { stageConfig } = props;
    const name = `jointly-${stageConfig.stage}`;

    // Both buckets are kept when the stack goes: the logs are records (their lifecycle still
    // expires them), and the site bucket is never empty when CloudFormation deletes it (the
    // uploads keep their files on delete, see console-stack.ts), so deleting it would fail.
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // CloudFront's standard logs are written with an ACL (log delivery's own account).
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(stageConfig.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason: 'CloudFront delivers standard logs only to buckets encrypted with S3-managed keys (SSE-S3), not SSE-KMS.',
      },
      {
        id: 'HIPAA.Security-S3BucketVersioningEnabled',
        reason: 'Log objects are written once and never changed; their lifecycle expires them after the stage log retention.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason: 'Access logs of a stateless front end; a second region would hold copies with no recovery use.',
      },
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'site-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'The bucket holds the console build, the same files every browser downloads, and no personal data; SSE-S3 encrypts it at rest. SSE-KMS with the stage key would need that key’s policy (data stack) to admit this distribution.',
      },
      {
        id: 'HIPAA.Security-S3BucketVersioningEnabled',
        reason: 'Every file is the build of a commit: redeploying the commit restores it, so old versions have no recovery use.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason: 'The files are a build, reproducible from the repository; a replica in another region has no recovery use.',
      },
    );

    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originAccessControl: new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
        originAccessControlName: `${name}-site`,
        description: `Jointly ${stageConfig.stage}: CloudFront reads the console bucket`,
        signing: cloudfront.Signing.SIGV4_ALWAYS,
      }),
      // Read only: a missing file answers 403 rather than 404, and nothing can list the bucket.
      originAccessLevels: [cloudfront.AccessLevel.READ],
    });
    const apiOrigin = new origins.HttpOrigin(`${props.httpApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });

    const headers = new cloudfront.CfnResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyConfig: {
        name: `${name}-site`,
        comment: `Jointly ${stageConfig.stage}: the console's headers (infra/console/console-site.ts) and HSTS`,
        ...withMutableItems(cloudFrontHeadersOf(deployedConsoleHeaders(props.loginOrigin))),
      },
    });
    const siteBehaviour: cloudfront.BehaviorOptions = {
      origin: siteOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      compress: true,
      cachePolicy: new cloudfront.CachePolicy(this, 'SiteCache', {
        cachePolicyName: `${name}-site`,
        comment: 'Keeps each file as long as its own Cache-Control says (set on upload); nothing without one.',
        minTtl: Duration.seconds(0),
        defaultTtl: Duration.seconds(0),
        maxTtl: Duration.days(365),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      }),
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.fromResponseHeadersPolicyId(this, 'HeadersPolicy', headers.attrId),
      functionAssociations: [
        {
          eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
          function: new cloudfront.Function(this, 'PageFunction', {
            functionName: `${name}-site-pages`,
            comment: 'Paths of the console and the API reference that are not files answer their index.html',
            code: cloudfront.FunctionCode.fromInline(pageFunctionCode()),
            runtime: cloudfront.FunctionRuntime.JS_2_0,
          }),
        },
      ],
    };

    const certificateArn = stageConfig.console.certificateArn;
    const appOrigin = new URL(stageConfig.appBaseUrl).origin;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Jointly ${stageConfig.stage}: the console, the API reference and the API on one origin`,
      defaultBehavior: {
        origin: apiOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        compress: false,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // With caching disabled, this policy forwards Authorization too (CloudFront refuses it
        // in an origin request policy of a caching behaviour).
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'RedirectFunction', {
              functionName: `${name}-site-redirects`,
              comment: '/, /console and /docs redirect to their folders; every other path goes to the API',
              code: cloudfront.FunctionCode.fromInline(redirectFunctionCode()),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      additionalBehaviors: {
        [`${CONSOLE_BASE_PATH}*`]: siteBehaviour,
        [`${API_REFERENCE_BASE_PATH}*`]: siteBehaviour,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // The users are in the UK: Europe and North America's edges are enough.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
      ...(certificateArn
        ? {
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
            domainNames: [new URL(appOrigin).hostname],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
      ...(stageConfig.console.webAclArn ? { webAclId: stageConfig.console.webAclArn } : {}),
    });
    this.acknowledge(stageConfig);

    const distributionOrigin = `https://${this.distribution.distributionDomainName}`;
    this.consoleOrigins = certificateArn ? [appOrigin, distributionOrigin] : [distributionOrigin];
    this.consoleUrl = `${this.consoleOrigins[0]}${CONSOLE_BASE_PATH}`;
  }

  private acknowledge(stageConfig: StageConfig): void {
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geographic restriction: the API shares this distribution, and partner systems call it from cloud regions outside the UK; access is by Cognito sign-in, not by location.',
    });
    if (!stageConfig.console.certificateArn) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: `Stage ${stageConfig.stage} has no certificate for its own domain yet (stage config console.certificateArn), so it is served on *.cloudfront.net, whose security policy CloudFront fixes at TLSv1; with the certificate the minimum is TLSv1.2_2021. Browsers negotiate TLS 1.2 or 1.3 either way.`,
      });
    }
    if (!stageConfig.console.webAclArn) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR2',
        reason: `Stage ${stageConfig.stage} has no web ACL (stage config console.webAclArn): a CloudFront web ACL lives in us-east-1, outside this stack's region. The API behind it is throttled per stage and every API route but the public ones needs a Cognito token.`,
      });
    }
  }
}

/** The CloudFront settings with their custom header list as the mutable array CDK's L1 types ask for. */
const withMutableItems = (headers: ReturnType<typeof cloudFrontHeadersOf>) => ({
  securityHeadersConfig: headers.securityHeadersConfig,
  customHeadersConfig: { items: [...headers.customHeadersConfig.items] },
});
