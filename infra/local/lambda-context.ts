/**
 * A Lambda-like `Context` for the functions the local runtime invokes outside the gateway
 * (stream publisher, queue consumers, the scheduled sweep).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A fresh context for one invocation of `functionName`, with `timeoutMs` to run. */
export const localLambdaContext = (functionName: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
