/**
 * The CloudFormation stack policy of a synthesized stack: no update may replace or delete a
 * stateful resource (infra/stateful-resources.ts); everything else may be updated.
 *
 * CDK has no stack policy on `Stack` and `cdk deploy` never sets one: ops set it once per stack
 * (and again when a stateful resource is added) with
 * `aws cloudformation set-stack-policy --stack-name <stack> --stack-policy-body file://<stack>.stack-policy.json`,
 * from the files `npm run stateful-snapshot -- --stack-policies --stage <stage>` writes.
 * A stack policy guards updates only: deleting the stack is stopped by termination protection.
 */
import { type CfnTemplate, statefulLogicalIdsOf } from './stateful-resources.ts';

/** One statement of a stack policy. */
export interface StackPolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: '*';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
}

/** A CloudFormation stack policy document. */
export interface StackPolicy {
  readonly Statement: readonly StackPolicyStatement[];
}

/** The update actions that lose a stateful resource's data. */
export const DENIED_UPDATES = ['Update:Replace', 'Update:Delete'] as const;

/** The `Resource` of a stack policy statement naming one logical id. */
export const stackPolicyResourceOf = (logicalId: string): string => `LogicalResourceId/${logicalId}`;

/**
 * The stack policy of `template`: deny `Update:Replace` and `Update:Delete` on each stateful
 * resource by logical id, allow `Update:*` on everything (an explicit deny wins over the allow).
 * A stack without stateful resources gets the allow alone.
 */
export const stackPolicyOf = (template: CfnTemplate): StackPolicy => {
  const protectedIds = statefulLogicalIdsOf(template);
  const deny: StackPolicyStatement[] =
    protectedIds.length === 0
      ? []
      : [{ Effect: 'Deny', Principal: '*', Action: [...DENIED_UPDATES], Resource: protectedIds.map(stackPolicyResourceOf) }];
  return { Statement: [...deny, { Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*' }] };
};
