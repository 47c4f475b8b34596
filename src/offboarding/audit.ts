// The audit trail: every request, decision, step and Microsoft 365 call, with its time and request id, appended to
// the store. Calls are tagged with the run and step they belong to through AsyncLocalStorage, so the gateways need
// not know about runs.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logger';
import type { CallRecord } from '../m365/ports';
import type { AuditEntry, Store } from '../store/store';

export interface AuditScope {
  requestId?: string;
  runId?: string;
  stepId?: string;
}

const scope = new AsyncLocalStorage<AuditScope>();

export function withAuditScope<T>(value: AuditScope, fn: () => Promise<T>): Promise<T> {
  return scope.run({ ...scope.getStore(), ...value }, fn);
}

export class Audit {
  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  /** Appends an entry within the current scope; an audit failure is logged, never thrown into the work it records. */
  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.store.appendAudit({ ...scope.getStore(), ...entry });
    } catch (err) {
      this.logger?.error({ err, entry: entry.kind }, 'audit append failed');
    }
  }

  /** For the gateways' onCall: one entry per HTTP attempt, tagged with the current run and step. */
  readonly onCall = (call: CallRecord): void => {
    void this.record({ kind: 'call', m365RequestId: call.requestId, data: { ...call } });
  };
}
