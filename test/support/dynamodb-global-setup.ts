/**
 * Starts DynamoDB Local once per test run (not per file, not per test) and provides its
 * endpoint to tests. Both the integration and e2e projects list this file; a module-level
 * reference count makes them share one instance when Vitest loads it once, and it stays
 * correct (two instances) if it ever loads it per project.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '#infra/local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

let running: Promise<DynamoDbLocal> | undefined;
let users = 0;

export default async function setup(project: TestProject) {
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external) {
    project.provide('dynamodbEndpoint', external);
    return;
  }
  users += 1;
  running ??= startDynamoDbLocal();
  const dynamo = await running;
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  return async () => {
    users -= 1;
    if (users === 0) {
      running = undefined;
      await dynamo.stop();
    }
  };
}
