// Counts the Microsoft 365 calls a step makes and keeps the last one's request id, for the step lines of the cards
// and the summary. The executor runs each step inside a tally (AsyncLocalStorage, like the audit scope), and the
// audit log's call observer — which every composition wires to the gateways — adds each call to it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallRecord } from '../m365/ports';
import type { StepCalls } from './run';

const current = new AsyncLocalStorage<StepCalls>();

export function withCallTally<T>(tally: StepCalls, fn: () => Promise<T>): Promise<T> {
  return current.run(tally, fn);
}

/**
 * One HTTP request to Microsoft 365: a $batch counts once, with the batch's own request id (its inner requests are
 * reported too, marked with batchRequestId, and are not counted again).
 */
export function tallyCall(call: CallRecord): void {
  const tally = current.getStore();
  if (!tally || call.batchRequestId !== undefined) {
    return;
  }
  tally.count++;
  if (call.requestId) {
    tally.lastRequestId = call.requestId;
  }
}
