/**
 * `npm run synth|diff|deploy -- --stage X`: the wrapper's mapping onto the cdk CLI.
 */
import { describe, expect, it } from 'vitest';
import { CdkArgsError, cdkArgs } from '#scripts/cdk-args.ts';

describe('cdkArgs', () => {
  it.each([
    [
      ['deploy', '--stage', 'prod'],
      ['deploy', '--all', '-c', 'stage=prod'],
    ],
    [
      ['diff', '--stage=staging'],
      ['diff', '--all', '-c', 'stage=staging'],
    ],
    [
      ['synth', '--stage', 'dev'],
      ['synth', '--quiet', '-c', 'stage=dev'],
    ],
    [
      ['synth', '-c', 'stage=prod'],
      ['synth', '--quiet', '-c', 'stage=prod'],
    ],
    [['synth'], ['synth', '--quiet']],
    [['diff'], ['diff', '--all']],
    [
      ['destroy', '--stage', 'dev'],
      ['destroy', '--all', '-c', 'stage=dev'],
    ],
    [
      ['deploy', '--stage', 'prod', '--require-approval', 'never', '-c', 'jointly:config={"priorityTargetMinutes":{"urgent":60}}'],
      [
        'deploy',
        '--all',
        '--require-approval',
        'never',
        '-c',
        'jointly:config={"priorityTargetMinutes":{"urgent":60}}',
        '-c',
        'stage=prod',
      ],
    ],
    [
      ['deploy', 'Jointly-Dev-Api', '--stage', 'dev'],
      ['deploy', 'Jointly-Dev-Api', '-c', 'stage=dev'],
    ],
    [
      ['synth', 'Jointly-Prod-Api', '-c', 'stage=prod'],
      ['synth', 'Jointly-Prod-Api', '-c', 'stage=prod'],
    ],
    [
      ['deploy', '--all', '--stage', 'dev'],
      ['deploy', '--all', '-c', 'stage=dev'],
    ],
    [
      ['deploy', '--context', 'stage=dev'],
      ['deploy', '--all', '--context', 'stage=dev'],
    ],
  ])('maps %j to cdk %j', (argv, expected) => {
    // Act
    const args = cdkArgs(argv);

    // Assess
    expect(args).toEqual(expected);
  });

  it.each([
    [[], /^Usage: node scripts\/cdk\.ts/],
    [['--stage', 'dev'], /^Usage: /],
    [['deploy'], /^Say which stage to deploy: --stage dev, --stage staging or --stage prod\.$/],
    [['destroy', '-c', 'jointly:config={}'], /^Say which stage to destroy/],
    [['deploy', '--stage'], /^--stage needs a value, e\.g\. --stage dev\.$/],
    [['deploy', '--stage', '--all'], /^--stage needs a value/],
    [['deploy', '--stage', 'dev', '-c', 'stage=prod'], /^Conflicting stages: dev and prod; give one --stage\.$/],
    [['deploy', '--stage', 'dev', '--stage', 'prod'], /^--stage was given twice \(dev and prod\)\.$/],
  ])('refuses %j with one sentence', (argv, message) => {
    // Act
    const map = () => cdkArgs(argv);

    // Assess
    expect(map).toThrow(CdkArgsError);
    expect(map).toThrow(message);
  });
});
