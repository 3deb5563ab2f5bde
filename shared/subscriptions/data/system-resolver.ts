/** The system's DNS resolver, as the webhook rules' {@link Resolver}: every address of a host, in the order DNS gave them. */
import { lookup } from 'node:dns/promises';
import type { Resolver } from '../domain/webhook-url.ts';

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
