import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import HeaviestFirstSequencer from './test/support/heaviest-first-sequencer.ts';

/**
 * Four projects, one run (`npm test`). DynamoDB Local is started once per run by the
 * global setup of the projects that need it and shared through `inject('dynamodbEndpoint')`;
 * each test file makes its own table, so files run in parallel without colliding.
 */
export default defineConfig({
  test: {
    // Vitest's default on 2 cores is one worker, which left a core idle while e2e files waited
    // on their runtime and DynamoDB Local: two workers took the suite from 573 s to 416 s in CI.
    maxWorkers: 2,
    sequence: { sequencer: HeaviestFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // The files share nothing but aws-cdk-lib: importing and warming it up once per
          // worker, not once per file, halves the project's run time.
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Runtimes that name no audit folder append to one made for this run, not to the
          // working tree's .local-data/audit (a test that reads the archive names its own).
          env: { JOINTLY_LOCAL_AUDIT_DIR: mkdtempSync(join(tmpdir(), 'jointly-e2e-audit-')) },
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
