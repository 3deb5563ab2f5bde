/**
 * The gateway load generator, run as a child process of `npm run bench` (forked with an IPC
 * channel) so that autocannon never shares an event loop with the server it measures.
 * Receives one {@link LoadJob}, runs autocannon, sends back one {@link LoadOutcome}, exits.
 */
import autocannon from 'autocannon';

/** What to run: every connection alternates POST /referrals and GET /referrals/{id}. */
export interface LoadJob {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  readonly token: string;
  /** JSON body of the POST. */
  readonly createBody: string;
  /** Referral ids the caller may read; each GET picks one at random. */
  readonly readableIds: readonly string[];
}

/** What came back. */
export interface LoadOutcome {
  /** Responses received (any status). */
  readonly responses: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Socket errors, timeouts included. */
  readonly errors: number;
  readonly durationS: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  /** CPU ms this load generator used (user + system), to tell its share of the machine. */
  readonly cpuMs: number;
}

const run = async (job: LoadJob): Promise<LoadOutcome> => {
  const cpuBefore = process.cpuUsage();
  const headers = { authorization: `Bearer ${job.token}`, 'content-type': 'application/json' };
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    pipelining: 1,
    timeout: 10,
    requests: [
      { method: 'POST', path: '/referrals', headers, body: job.createBody },
      {
        method: 'GET',
        path: '/referrals',
        headers: { authorization: headers.authorization },
        setupRequest: (request) => ({
          ...request,
          path: `/referrals/${job.readableIds[Math.floor(Math.random() * job.readableIds.length)]}`,
        }),
      },
    ],
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number((s as { count: number | string }).count)]),
  );
  const ok = result['2xx'];
  const cpu = process.cpuUsage(cpuBefore);
  return {
    responses: ok + result.non2xx,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
    statusCodes,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
};

process.once('message', (job: LoadJob) => {
  run(job).then(
    (outcome) => process.send!({ outcome }, () => process.exit(0)),
    (error: unknown) => process.send!({ error: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
  );
});
