/**
 * The webhook-secret key (data stack): its own key, retained like the table, whose policy
 * names exactly the sealing role (create-subscription, Encrypt) and the opening role (the
 * delivery worker, Decrypt), denies every other principal, and is not silently widened or
 * bypassed by grants from the stacks that import it by ARN.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { webhookSecretKeyAliasOf, webhookSecretRoleNamesOf } from '#infra/stacks/data-stack.ts';

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/** Joins a CloudFormation `Fn::Join` of literals and pseudo parameters into a readable string. */
const flatten = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object' && 'Fn::Join' in value
      ? ((value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[]).map(flatten).join('')
      : value && typeof value === 'object' && 'Ref' in value
        ? `{${(value as { Ref: string }).Ref}}`
        : JSON.stringify(value);

const asList = (a: string | string[]): string[] => (Array.isArray(a) ? a : [a]);

describe.each(['dev', 'prod'])('webhook-secret key, stage %s', (stage) => {
  let data: Template;
  let api: Template;
  let events: Template;
  let keyLogicalId: string;
  let statements: Statement[];
  let names: ReturnType<typeof webhookSecretRoleNamesOf>;
  const roleArn = (name: string) => `arn:{AWS::Partition}:iam::{AWS::AccountId}:role/${name}`;

  beforeAll(() => {
    const built = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false });
    names = webhookSecretRoleNamesOf(stage, built.config.region);
    data = Template.fromStack(built.data);
    api = Template.fromStack(built.api);
    events = Template.fromStack(built.events);
    const aliases = data.findResources('AWS::KMS::Alias', { Properties: { AliasName: webhookSecretKeyAliasOf(stage) } });
    const target = JSON.stringify((Object.values(aliases)[0]!.Properties as { TargetKeyId: unknown }).TargetKeyId);
    keyLogicalId = Object.keys(data.findResources('AWS::KMS::Key')).find((id) => target.includes(`"${id}"`))!;
    const key = data.findResources('AWS::KMS::Key')[keyLogicalId]!;
    statements = (key.Properties as { KeyPolicy: { Statement: Statement[] } }).KeyPolicy.Statement;
  });

  it('is a separate, rotating key, retained with the table in prod', () => {
    const keys = data.findResources('AWS::KMS::Key');
    // The table's, this one, and the backup vault's.
    expect(Object.keys(keys)).toHaveLength(3);
    const key = keys[keyLogicalId]!;
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true });
    const table = Object.values(data.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    expect(key.DeletionPolicy).toBe(table.DeletionPolicy);
    if (stage === 'prod') expect(key.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  it('allows cryptography to exactly two roles: the sealer Encrypt, the deliverer Decrypt, each only for the webhook-secret purpose', () => {
    const allows = statements.filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a !== 'kms:*'));
    const usage = allows.map((s) => ({
      actions: asList(s.Action),
      roles: flatten(s.Condition?.ArnEquals?.['aws:PrincipalArn']),
      purpose: s.Condition?.StringEquals?.['kms:EncryptionContext:purpose'],
    }));
    expect(usage).toEqual([
      { actions: ['kms:Encrypt'], roles: roleArn(names.sealer), purpose: 'jointly-webhook-secret' },
      { actions: ['kms:Decrypt'], roles: roleArn(names.opener), purpose: 'jointly-webhook-secret' },
    ]);
    // Only CDK's administrative root statement besides those.
    const admin = statements.filter((s) => s.Effect === 'Allow' && asList(s.Action).includes('kms:*'));
    expect(admin).toHaveLength(1);
  });

  it('denies Encrypt and Decrypt to every other principal (overriding the root statement), and every other data operation to all', () => {
    const denies = statements.filter((s) => s.Effect === 'Deny');
    const byAction = Object.fromEntries(
      denies.map((s) => [asList(s.Action).join(','), flatten(s.Condition?.ArnNotEquals?.['aws:PrincipalArn'] ?? '')]),
    );
    expect(byAction['kms:Encrypt']).toBe(roleArn(names.sealer));
    expect(byAction['kms:Decrypt']).toBe(roleArn(names.opener));
    const other = denies.find((s) => asList(s.Action).includes('kms:GenerateDataKey*'))!;
    expect(other.Condition).toBeUndefined();
    expect(asList(other.Action)).toEqual(expect.arrayContaining(['kms:ReEncrypt*', 'kms:GenerateDataKey*']));
    for (const s of denies) expect(s.Principal).toEqual({ AWS: '*' });
  });

  it('names roles that exist: the create-subscription role (Encrypt) and the delivery worker role (Decrypt), under those exact names', () => {
    const sealerRoles = api.findResources('AWS::IAM::Role', { Properties: { RoleName: names.sealer } });
    const openerRoles = events.findResources('AWS::IAM::Role', { Properties: { RoleName: names.opener } });
    expect(Object.keys(sealerRoles)).toHaveLength(1);
    expect(Object.keys(openerRoles)).toHaveLength(1);
    const functionOf = (template: Template, roleId: string) =>
      Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
        JSON.stringify((f.Properties as { Role: unknown }).Role).includes(roleId),
      );
    const [sealerFn] = functionOf(api, Object.keys(sealerRoles)[0]!);
    const [openerFn] = functionOf(events, Object.keys(openerRoles)[0]!);
    expect(String((sealerFn!.Properties as { Description: string }).Description)).toContain('POST /subscriptions');
    expect(String((openerFn!.Properties as { Description: string }).Description)).toContain('Delivers one event');
  });

  it('grants the key to no other role in the API and events stacks (a grant on an imported key would not reach its policy anyway)', () => {
    const usingKey = (template: Template) =>
      Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => {
        const doc = p.Properties as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] }; Roles: unknown[] };
        return doc.PolicyDocument.Statement.filter((s) => JSON.stringify(s.Resource).includes('WebhookSecretKey')).map((s) => ({
          roles: JSON.stringify(doc.Roles),
          actions: asList(s.Action),
        }));
      });
    const apiUses = usingKey(api);
    const eventUses = usingKey(events);
    expect(apiUses.map((u) => u.actions)).toEqual([['kms:Encrypt']]);
    expect(eventUses.map((u) => u.actions)).toEqual([['kms:Decrypt']]);
  });
});
