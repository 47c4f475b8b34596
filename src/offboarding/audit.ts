// The audit trail: every request, decision, step and Microsoft 365 call, with its time and request id, appended to
// the store. Calls are tagged with the run and step they belong to through AsyncLocalStorage, so the gateways need
// not know about runs.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logger';
import type { CallRecord } from '../m365/ports';
import type { AuditEntry, Store } from '../store/store';
import { tallyCall } from './call-tally';

export interface AuditScope {
  requestId?: string;
  runId?: string;
  stepId?: string;
}

const scope = new AsyncLocalStorage<AuditScope>();

/** The run (or request) the current call belongs to, if any: the governor's fairness lane. */
export function currentAuditScope(): AuditScope | undefined {
  return scope.getStore();
}

export function withAuditScope<T>(value: AuditScope, fn: () => Promise<T>): Promise<T> {
  return scope.run({ ...scope.getStore(), ...value }, fn);
}

export class Audit {
  private buffer: AuditEntry[] = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  /**
   * Appends an entry within the current scope. Entries recorded in the same turn of the event loop are written
   * together, in one transaction (a busy run makes hundreds of calls a second). Resolves once the entry is stored;
   * an audit failure is logged, never thrown into the work it records.
   */
  record(entry: AuditEntry): Promise<void> {
    this.buffer.push({ time: new Date().toISOString(), ...scope.getStore(), ...entry });
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const entries = this.buffer;
    this.buffer = [];
    this.flushing = undefined;
    try {
      await this.store.appendAuditBatch(entries);
    } catch (err) {
      this.logger?.error({ err, entries: entries.length }, 'audit append failed');
    }
  }

  /** For the gateways' onCall: one entry per HTTP attempt, tagged with the current run and step (and counted for it). */
  readonly onCall = (call: CallRecord): void => {
    tallyCall(call);
    void this.record({ kind: 'call', m365RequestId: call.requestId, data: { ...call } });
  };
}
