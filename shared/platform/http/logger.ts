import { Logger } from '@aws-lambda-powertools/logger';
import { POWERTOOLS_ENV } from '../config/environment.ts';

/**
 * The service logger: structured JSON (Powertools). What it may carry: ids, route keys,
 * statuses, durations, error names. What it must never carry: request bodies, subjects,
 * names, NHS numbers, tokens, free text. Handlers log through this one instance.
 */
export const logger = new Logger({ serviceName: process.env[POWERTOOLS_ENV.serviceName] ?? 'jointly' });
