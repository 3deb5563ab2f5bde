/**
 * The deployed console (issue 18), for every stage: one CloudFront origin in front of the API
 * (default behaviour) and the private site bucket (`/console/*`, `/docs/*`, read through origin
 * access control), the site's headers built from infra/console/console-site.ts, Cognito's
 * managed login with the console's public code-grant client, and the console stack that
 * uploads the build and its `config.json`.
 *
 * Each stage is built once (bundling skipped: the console build is not run) with the cdk-nag
 * packs; expectations come from the same sources the stacks use.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AssetStaging, type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES, STAGE_DEFAULTS, loadStageConfig, parseStageConfig, type StageName } from '#infra/config/stage-config.ts';
import {
  CONSOLE_BASE_PATH,
  CONSOLE_CACHE,
  CONSOLE_CSP,
  CONSOLE_HEADERS,
  cloudFrontHeadersOf,
  deployedConsoleCsp,
  deployedConsoleHeaders,
} from '#infra/console/console-site.ts';
import { CONSOLE_TOKEN_VALIDITY, loginOriginOf } from '#infra/stacks/user-directory.ts';
import { PAGE_KEYS } from '#infra/stacks/console-stack.ts';

/** Skips bundling (esbuild) for every stack. */
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation read by property path in assertions; typing it would restate the resource schemas.
type Json = Record<string, any>;

const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** The only resource of `type` in `template`. */
const onlyOf = (template: Template, type: string): [string, Json] => {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

/** A CloudFront Function's `handler`, from its deployed source. */
const handlerOf = (source: string): ((event: Json) => Json) => new Function(`${source}\nreturn handler;`)() as (event: Json) => Json;

const viewerRequest = (uri: string) => ({ request: { uri, method: 'GET', querystring: {}, headers: {}, cookies: {} } });

describe.each(STAGES)('stage %s', (stage: StageName) => {
  const config = loadStageConfig(stage);
  const loginOrigin = loginOriginOf(config);
  let built: JointlyApp;
  let api: Template;
  let site: Template;
  let distribution: Json;
  let ids: { bucket: string; logBucket: string; distribution: string; consoleClient: string; srpClient: string };

  beforeAll(() => {
    built = buildApp({ stage, context: SKIP_BUNDLING });
    api = Template.fromStack(built.api);
    site = Template.fromStack(built.console);
    distribution = onlyOf(api, 'AWS::CloudFront::Distribution')[1]['Properties']['DistributionConfig'];
    ids = {
      bucket: logicalIdOf(built.api, built.api.console.bucket),
      logBucket: logicalIdOf(built.api, built.api.console.logBucket),
      distribution: logicalIdOf(built.api, built.api.console.distribution),
      consoleClient: logicalIdOf(built.api, built.api.consoleClient),
      srpClient: logicalIdOf(built.api, built.api.userPoolClient),
    };
  });

  /** The origin a behaviour targets. */
  const originOf = (behaviour: Json): Json => (distribution['Origins'] as Json[]).find((o) => o['Id'] === behaviour['TargetOriginId'])!;

  describe('site bucket', () => {
    it('is private, encrypted, owner-enforced and access-logged', () => {
      // Act
      const bucket = api.findResources('AWS::S3::Bucket')[ids.bucket]!['Properties'];

      // Assess
      expect(bucket).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.logBucket } },
      });
      expect(bucket).not.toHaveProperty('WebsiteConfiguration');
    });

    it('lets only this distribution read it, through origin access control, and refuses plain HTTP', () => {
      // Prepare
      const [, policy] = Object.entries(api.findResources('AWS::S3::BucketPolicy')).find(
        ([, p]) => p['Properties']['Bucket']['Ref'] === ids.bucket,
      )!;
      const statements = policy['Properties']['PolicyDocument']['Statement'] as Json[];

      // Act
      const allows = statements.filter((s) => s['Effect'] === 'Allow');

      // Assess
      expect(allows).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/*']] },
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudfront::',
                    { Ref: 'AWS::AccountId' },
                    ':distribution/',
                    { Ref: ids.distribution },
                  ],
                ],
              },
            },
          },
        },
      ]);
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    });

    it('is the S3 origin through an origin access control that signs every request, with no origin access identity', () => {
      // Act
      const s3Origin = (distribution['Origins'] as Json[]).find((o) => o['S3OriginConfig'])!;
      const [oacId, oac] = onlyOf(api, 'AWS::CloudFront::OriginAccessControl');

      // Assess
      expect(s3Origin).toMatchObject({
        DomainName: { 'Fn::GetAtt': [ids.bucket, 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
      expect(oac['Properties']['OriginAccessControlConfig']).toMatchObject({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      });
      api.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    });
  });

  describe('behaviours', () => {
    it('sends every other path to the API: every method, nothing cached, every viewer header but Host (so Authorization)', () => {
      // Act
      const behaviour = distribution['DefaultCacheBehavior'] as Json;

      // Assess
      expect(behaviour).toMatchObject({
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      expect(behaviour).not.toHaveProperty('ResponseHeadersPolicyId');
      expect(originOf(behaviour)).toMatchObject({
        DomainName: {
          'Fn::Join': [
            '',
            [{ Ref: logicalIdOf(built.api, built.api.httpApi) }, `.execute-api.${config.region}.`, { Ref: 'AWS::URLSuffix' }],
          ],
        },
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      });
    });

    it('serves /console/* and /docs/* from the bucket: GET and HEAD, the site headers, the page function', () => {
      // Prepare
      const [headersId] = onlyOf(api, 'AWS::CloudFront::ResponseHeadersPolicy');
      const [cacheId] = onlyOf(api, 'AWS::CloudFront::CachePolicy');

      // Act
      const behaviours = distribution['CacheBehaviors'] as Json[];

      // Assess
      expect(behaviours.map((b) => b['PathPattern'])).toEqual(['/console/*', '/docs/*']);
      for (const behaviour of behaviours) {
        expect(originOf(behaviour)).toHaveProperty('S3OriginConfig');
        expect(behaviour).toMatchObject({
          AllowedMethods: ['GET', 'HEAD'],
          ViewerProtocolPolicy: 'redirect-to-https',
          ResponseHeadersPolicyId: { 'Fn::GetAtt': [headersId, 'Id'] },
          CachePolicyId: { Ref: cacheId },
          FunctionAssociations: [
            {
              EventType: 'viewer-request',
              FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleSitePageFunction/), 'FunctionARN'] },
            },
          ],
        });
      }
    });

    it('caches each file as long as the Cache-Control it was uploaded with says, and nothing without one', () => {
      // Act
      const [, policy] = onlyOf(api, 'AWS::CloudFront::CachePolicy');

      // Assess
      expect(policy['Properties']['CachePolicyConfig']).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 31_536_000,
        ParametersInCacheKeyAndForwardedToOrigin: {
          CookiesConfig: { CookieBehavior: 'none' },
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      });
      expect(CONSOLE_CACHE.asset).toContain('max-age=31536000');
    });

    it('redirects /, /console and /docs to their folders on the API behaviour, and passes every other request to the API', () => {
      // Prepare
      const [functionId, fn] = Object.entries(api.findResources('AWS::CloudFront::Function')).find(([id]) => id.includes('Redirect'))!;
      const handler = handlerOf(fn['Properties']['FunctionCode']);

      // Act
      const answers = ['/', '/console', '/docs', '/referrals/01HZX', '/openapi.json', '/console/'].map((uri) =>
        handler(viewerRequest(uri)),
      );

      // Assess
      expect(distribution['DefaultCacheBehavior']['FunctionAssociations']).toEqual([
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
      ]);
      expect(answers.slice(0, 3).map((a) => [a['statusCode'], a['headers']['location']['value']])).toEqual([
        [302, '/console/'],
        [302, '/console/'],
        [302, '/docs/'],
      ]);
      expect(answers.slice(3).map((a) => a['uri'])).toEqual(['/referrals/01HZX', '/openapi.json', '/console/']);
      expect(fn['Properties']['FunctionConfig']['Runtime']).toBe('cloudfront-js-2.0');
    });

    it('answers index.html for every console and reference path that is not a file of the build', () => {
      // Prepare
      const [, fn] = Object.entries(api.findResources('AWS::CloudFront::Function')).find(([id]) => id.includes('PageFunction'))!;
      const handler = handlerOf(fn['Properties']['FunctionCode']);
      const cases: [string, string][] = [
        ['/console/', '/console/index.html'],
        ['/console/referrals/01HZX', '/console/index.html'],
        ['/console/alerts', '/console/index.html'],
        ['/console/assets/app-ABC123.js', '/console/assets/app-ABC123.js'],
        ['/console/assets/images/favicon.svg', '/console/assets/images/favicon.svg'],
        ['/console/config.json', '/console/config.json'],
        ['/docs/', '/docs/index.html'],
        ['/docs/operations/getHealth', '/docs/index.html'],
        ['/docs/assets/reference-XYZ.css', '/docs/assets/reference-XYZ.css'],
      ];

      // Act
      const rewritten = cases.map(([uri]) => handler(viewerRequest(uri))['uri']);

      // Assess
      expect(rewritten).toEqual(cases.map(([, expected]) => expected));
    });
  });

  describe('headers and TLS', () => {
    it("sends the console's headers: the CSP built from console-site.ts with managed login's origin, no unsafe-inline, and HSTS", () => {
      // Prepare
      const expected = cloudFrontHeadersOf(deployedConsoleHeaders(loginOrigin));

      // Act
      const [, policy] = onlyOf(api, 'AWS::CloudFront::ResponseHeadersPolicy');
      const deployed = policy['Properties']['ResponseHeadersPolicyConfig'] as Json;
      const csp = deployed['SecurityHeadersConfig']['ContentSecurityPolicy']['ContentSecurityPolicy'] as string;

      // Assess
      expect(csp).toBe(deployedConsoleCsp(loginOrigin));
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain(`connect-src 'self' ${loginOrigin}`);
      expect(csp).toContain(`form-action 'self' ${loginOrigin}`);
      expect(csp.replace(` ${loginOrigin}`, '').replace(` ${loginOrigin}`, '')).toBe(CONSOLE_CSP);
      expect(deployed['SecurityHeadersConfig']).toMatchObject({
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: CONSOLE_HEADERS['referrer-policy'], Override: true },
        StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Preload: false, Override: true },
      });
      expect(deployed['CustomHeadersConfig']['Items']).toEqual(
        expected.customHeadersConfig.items.map((item) => ({ Header: item.header, Value: item.value, Override: true })),
      );
    });

    it('redirects HTTP to HTTPS on every behaviour, logs every request, and holds the default certificate and no web ACL only while the stage configures none', () => {
      // Act
      const behaviours = [distribution['DefaultCacheBehavior'], ...distribution['CacheBehaviors']] as Json[];

      // Assess
      for (const behaviour of behaviours) expect(behaviour['ViewerProtocolPolicy']).toBe('redirect-to-https');
      expect(distribution['Logging']).toEqual({
        Bucket: { 'Fn::GetAtt': [ids.logBucket, 'RegionalDomainName'] },
        IncludeCookies: false,
        Prefix: 'cloudfront/',
      });
      expect(config.console.certificateArn).toBeUndefined();
      expect(distribution).not.toHaveProperty('ViewerCertificate');
      expect(distribution).not.toHaveProperty('WebACLId');
    });
  });

  describe('Cognito', () => {
    it('keeps the user pool and the SRP client (same logical ids: nothing is replaced)', () => {
      // Act
      const pool = onlyOf(api, 'AWS::Cognito::UserPool');

      // Assess
      expect(pool[0]).toBe('UserPool6BA7E5F2');
      expect(pool[1]['Properties']).toMatchObject({ UserPoolName: `jointly-${stage}`, UsernameAttributes: ['email'] });
      expect(ids.srpClient).toBe('UserPoolClient43258C81');
    });

    it('serves managed login (version 2) on the stage’s Cognito domain, with the default style for the console client', () => {
      // Act
      const [, domain] = onlyOf(api, 'AWS::Cognito::UserPoolDomain');
      const [, branding] = onlyOf(api, 'AWS::Cognito::ManagedLoginBranding');

      // Assess
      expect(domain['Properties']).toMatchObject({ ManagedLoginVersion: 2, UserPoolId: { Ref: 'UserPool6BA7E5F2' } });
      expect(`https://${domain['Properties']['Domain']}.auth.${config.region}.amazoncognito.com`).toBe(loginOrigin);
      expect(domain['Properties']['Domain']).toMatch(new RegExp(`^jointly-${stage}-[0-9a-f]{8}$`));
      expect(branding['Properties']).toEqual({
        UserPoolId: { Ref: 'UserPool6BA7E5F2' },
        ClientId: { Ref: ids.consoleClient },
        UseCognitoProvidedValues: true,
      });
    });

    it('gives the console a public client: authorization code only, openid email profile, back to the distribution’s /console/', () => {
      // Prepare
      const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }, CONSOLE_BASE_PATH]] };

      // Act
      const client = api.findResources('AWS::Cognito::UserPoolClient')[ids.consoleClient]!['Properties'] as Json;

      // Assess
      expect(client).toMatchObject({
        ClientName: `jointly-${stage}-console`,
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [consoleUrl],
        LogoutURLs: [consoleUrl],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        IdTokenValidity: CONSOLE_TOKEN_VALIDITY.idToken.toMinutes(),
        AccessTokenValidity: CONSOLE_TOKEN_VALIDITY.accessToken.toMinutes(),
        TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes' },
        ReadAttributes: expect.arrayContaining(['custom:org', 'email', 'name']),
      });
      expect(client['IdTokenValidity']).toBeLessThanOrEqual(60);
      expect(client['WriteAttributes']).not.toContain('custom:org');
    });

    it('admits both clients’ ID tokens at the JWT authorizer', () => {
      // Act / Assess
      api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: { Audience: [{ Ref: ids.srpClient }, { Ref: ids.consoleClient }] },
      });
    });

    it('outputs the console URL, its client and managed login, beside the outputs there were', () => {
      // Act / Assess
      api.hasOutput('ConsoleUrl', {
        Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }, CONSOLE_BASE_PATH]] },
      });
      api.hasOutput('ConsoleClientId', { Value: { Ref: ids.consoleClient } });
      api.hasOutput('LoginUrl', { Value: loginOrigin });
      for (const output of ['ApiUrl', 'UserPoolId', 'UserPoolClientId']) api.hasOutput(output, { Value: Match.anyValue() });
    });
  });

  describe('console stack', () => {
    const uploads = () => Object.values(site.findResources('Custom::CDKBucketDeployment')).map((r) => r as Json);
    const siteBucketImport = () => ({ 'Fn::ImportValue': built.api.siteBucketExport });

    it('uploads the assets immutable, then the pages and config.json never stored, into the API stack’s site bucket', () => {
      // Prepare
      const [filesId, pagesId] = [built.console.files, built.console.pages].map((d) =>
        built.console.getLogicalId(d.node.findChild('CustomResource').node.defaultChild as CfnElement),
      );

      // Act
      const [files, pages] = [filesId, pagesId].map((id) => site.findResources('Custom::CDKBucketDeployment')[id!]!);

      // Assess
      expect(uploads()).toHaveLength(2);
      expect(files!['Properties']).toMatchObject({
        Exclude: PAGE_KEYS,
        Prune: false,
        RetainOnDelete: true,
        SystemMetadata: { 'cache-control': CONSOLE_CACHE.asset },
      });
      expect(pages!['Properties']).toMatchObject({
        Exclude: ['*'],
        Include: PAGE_KEYS,
        Prune: true,
        SystemMetadata: { 'cache-control': CONSOLE_CACHE.page },
      });
      expect(pages!['DependsOn']).toEqual(expect.arrayContaining([filesId]));
      expect(PAGE_KEYS).toEqual(['console/index.html', 'console/config.json', 'docs/index.html']);
      for (const upload of uploads())
        expect(JSON.stringify(upload['Properties']['DestinationBucketName'])).toContain(JSON.stringify(siteBucketImport()));
      api.hasOutput('SiteBucketArn', { Value: { 'Fn::GetAtt': [ids.bucket, 'Arn'] }, Export: { Name: built.api.siteBucketExport } });
    });

    it('writes config.json for managed login: the stage’s Cognito domain and the console client, back to /console/', () => {
      // Prepare
      const staged = built.console.pages.node
        .findAll()
        .filter((c): c is AssetStaging => c instanceof AssetStaging)
        .map((staging) => path.join(staging.absoluteStagedPath, 'console/config.json'))
        .filter((file) => {
          try {
            readFileSync(file);
            return true;
          } catch {
            return false;
          }
        });
      const markers = uploads().flatMap((u) => (u['Properties']['SourceMarkers'] ?? []) as Json[]);
      const exportOf = (value: Json) =>
        Object.values(api.toJSON()['Outputs'] as Json).find((o) => o['Export']?.['Name'] === value['Fn::ImportValue'])?.['Value'];

      // Act
      const file = JSON.parse(readFileSync(staged[0]!, 'utf8')) as Json;
      const clientMarker = file['auth']['clientId'] as string;
      const marked = markers.find((m) => clientMarker in m)?.[clientMarker] as Json;

      // Assess
      expect(staged).toHaveLength(1);
      expect(file).toEqual({ auth: { kind: 'cognito', domain: loginOrigin, clientId: clientMarker, redirectPath: CONSOLE_BASE_PATH } });
      expect(exportOf(marked)).toEqual({ Ref: ids.consoleClient });
    });

    it('gives its one role no more than the CDK asset bucket and the site bucket', () => {
      // Act
      const statements = Object.values(site.findResources('AWS::IAM::Policy')).flatMap(
        (p) => p['Properties']['PolicyDocument']['Statement'] as Json[],
      );
      const resources = statements.flatMap((s) => s['Resource'] as Json[]).map((r) => JSON.stringify(r));

      // Assess
      site.resourceCountIs('AWS::IAM::Role', 1);
      expect(statements.every((s) => (s['Action'] as string[]).every((action) => action.startsWith('s3:')))).toBe(true);
      for (const resource of resources) {
        expect(
          resource.includes(`cdk-hnb659fds-assets-${config.account}-${config.region}`) || resource.includes(built.api.siteBucketExport),
        ).toBe(true);
      }
    });
  });

  describe('cdk-nag', () => {
    it('passes the packs with every finding acknowledged, each with its reason', () => {
      // Prepare
      const assembly = built.app.synth();

      // Act
      const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
        pluginReports: unknown[];
      };
      const acknowledged = [built.api.console, built.console].flatMap((scope) =>
        scope.node
          .findAll()
          .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
          .flatMap((m) => Object.entries(m.data as Record<string, string>)),
      );

      // Assess
      expect(report.pluginReports).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
    });
  });
});

describe('a stage with its own domain and web ACL', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:431870624157:certificate/0f9a1c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b';
  const webAclArn = 'arn:aws:wafv2:us-east-1:431870624157:global/webacl/jointly-dev/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
  let api: Template;
  let built: JointlyApp;

  beforeAll(() => {
    built = buildApp({
      stage: 'dev',
      context: { ...SKIP_BUNDLING, 'jointly:config': { console: { certificateArn, webAclArn } } },
      nag: false,
    });
    api = Template.fromStack(built.api);
  });

  it('answers on appBaseUrl’s host with TLS 1.2 at least, behind the web ACL, and sends Cognito back to either address', () => {
    // Prepare
    const host = new URL(built.config.appBaseUrl).hostname;
    const distributionId = logicalIdOf(built.api, built.api.console.distribution);

    // Act
    const [, distribution] = onlyOf(api, 'AWS::CloudFront::Distribution');
    const client = api.findResources('AWS::Cognito::UserPoolClient')[logicalIdOf(built.api, built.api.consoleClient)]!['Properties'];

    // Assess
    expect(distribution['Properties']['DistributionConfig']).toMatchObject({
      Aliases: [host],
      ViewerCertificate: { AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      WebACLId: webAclArn,
    });
    expect(client['CallbackURLs']).toEqual([
      `https://${host}${CONSOLE_BASE_PATH}`,
      { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, CONSOLE_BASE_PATH]] },
    ]);
    api.hasOutput('ConsoleUrl', { Value: `https://${host}${CONSOLE_BASE_PATH}` });
  });
});

describe('the deployed headers (infra/console/console-site.ts)', () => {
  it('adds the login origin to connect-src and form-action only', () => {
    // Act
    const csp = deployedConsoleCsp('https://login.example.org');

    // Assess
    expect(csp.split('; ').filter((d) => d.includes('login.example.org'))).toEqual([
      "connect-src 'self' https://login.example.org",
      "form-action 'self' https://login.example.org",
    ]);
    expect(() => deployedConsoleCsp("https://x.org 'unsafe-inline'")).toThrow('Not an https origin');
  });

  it('maps every header to CloudFront’s setting for it, or to a custom header, and refuses what CloudFront cannot send', () => {
    // Act
    const mapped = cloudFrontHeadersOf({ ...CONSOLE_HEADERS, 'strict-transport-security': 'max-age=60; preload' });

    // Assess
    expect(mapped.securityHeadersConfig.strictTransportSecurity).toEqual({
      accessControlMaxAgeSec: 60,
      includeSubdomains: false,
      preload: true,
      override: true,
    });
    expect(mapped.customHeadersConfig.items.map((item) => item.header)).toEqual([
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'permissions-policy',
    ]);
    expect(() => cloudFrontHeadersOf({ 'x-frame-options': 'ALLOW-FROM https://x.org' })).toThrow();
    expect(() => cloudFrontHeadersOf({ 'x-content-type-options': 'sniff' })).toThrow();
    expect(() => cloudFrontHeadersOf({ 'strict-transport-security': 'max-age=1; always' })).toThrow();
  });
});

describe('the console settings of a stage (infra/config/stage-config.ts)', () => {
  const withConsole = (console: Record<string, unknown>) => ({ ...STAGE_DEFAULTS.dev, stage: 'dev', console });

  it.each([
    [{ loginDomainPrefix: 'jointly-cognito-dev' }, 'console.loginDomainPrefix: must not contain aws, amazon or cognito'],
    [{ loginDomainPrefix: '-jointly' }, 'console.loginDomainPrefix: must be 1 to 63 lower-case letters'],
    [
      { certificateArn: 'arn:aws:acm:eu-west-2:431870624157:certificate/0f9a1c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b' },
      'console.certificateArn: must be the ARN of an ACM certificate in us-east-1',
    ],
    [
      { webAclArn: 'arn:aws:wafv2:eu-west-2:431870624157:regional/webacl/x/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' },
      'console.webAclArn: must be the ARN of a CloudFront-scope',
    ],
  ])('refuses %j', (settings, message) => {
    // Act / Assess
    expect(() => parseStageConfig(withConsole(settings))).toThrow(message);
  });

  it('takes a configured login domain prefix over the derived one', () => {
    // Prepare
    const config = parseStageConfig(withConsole({ loginDomainPrefix: 'jointly-essex-dev' }));

    // Act / Assess
    expect(loginOriginOf(config)).toBe('https://jointly-essex-dev.auth.eu-west-2.amazoncognito.com');
    expect(loginOriginOf(loadStageConfig('dev'))).toMatch(/^https:\/\/jointly-dev-[0-9a-f]{8}\.auth\.eu-west-2\.amazoncognito\.com$/);
  });
});
