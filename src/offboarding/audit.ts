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
  /** The append the buffered entries will go in. */
  private next?: Promise<void>;
  /** The append in flight: one at a time, so entries recorded meanwhile go together in the next one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  /**
   * Appends an entry within the current scope. Entries recorded in the same turn of the event loop, or while the
   * previous append is under way, are written together in one append (a busy run makes hundreds of calls a second;
   * on a shared store each append is a network round trip or three). Resolves once the entry is stored; an audit
   * failure is logged, never thrown into the work it records.
   */
  record(entry: AuditEntry): Promise<void> {
    this.buffer.push({ time: new Date().toISOString(), ...scope.getStore(), ...entry });
    this.next ??= this.writing.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.flush());
    return this.next;
  }

  private flush(): Promise<void> {
    const entries = this.buffer;
    this.buffer = [];
    this.next = undefined;
    this.writing = this.store.appendAuditBatch(entries).catch((err: unknown) => {
      this.logger?.error({ err, entries: entries.length }, 'audit append failed');
    });
    return this.writing;
  }

  /** For the gateways' onCall: one entry per HTTP attempt, tagged with the current run and step (and counted for it). */
  readonly onCall = (call: CallRecord): void => {
    tallyCall(call);
    void this.record({ kind: 'call', m365RequestId: call.requestId, data: { ...call } });
  };
}
