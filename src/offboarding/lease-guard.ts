// A run's Microsoft 365 ports under its lease: every request, and each of its HTTP attempts, first checks that the
// lease is still surely held, so an owner that lost it (a failed renewal, or paused past its end) sends nothing more,
// one-shot actions included.
import type { ExchangePort, GraphPort } from '../m365/ports';
import { withSendGuard } from '../m365/send-guard';
import type { Lease } from '../store/leases';

export function guardedPorts(ports: { graph: GraphPort; exchange: ExchangePort }, lease: Lease): { graph: GraphPort; exchange: ExchangePort } {
  const { graph, exchange } = ports;
  return {
    graph: {
      call: (request) => guarded(lease, () => graph.call(request)),
      list: (url, headers, enough) => guarded(lease, () => graph.list(url, headers, enough)),
      batch: (requests) => guarded(lease, () => graph.batch(requests)),
    },
    exchange: {
      invoke: (cmdlet, parameters, anchorMailbox, options) => guarded(lease, () => exchange.invoke(cmdlet, parameters, anchorMailbox, options)),
    },
  };
}

/** Rejects (never throws synchronously) with LeaseLostError when the lease is gone. */
async function guarded<T>(lease: Lease, send: () => Promise<T>): Promise<T> {
  lease.assertHeld();
  // And again before every HTTP attempt (pages, $batch chunks, retries after a Retry-After): send-guard.ts.
  return withSendGuard(() => lease.assertHeld(), send);
}
