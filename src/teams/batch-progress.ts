// A batch's progress in its thread (issue 15, *Bulk*): one card with a line per leaver and the counts, posted when the
// batch is submitted and updated in place (coalesced within the Bot Connector budget, like a single run's card), and
// one batch summary to SUMMARY_CHANNEL_ID once every request of the batch has ended. Per-request progress cards and
// summaries are not posted for a batch's requests: each request's details stay in its audit entry and `status <id>`.
import type { Batch } from '../offboarding/batch/batch';
import type { RunView } from '../offboarding/executor';
import type { OffboardingRequest } from '../offboarding/requests';
import type { OffboardingService } from '../offboarding/service';
import type { NotifierOptions } from './notifier';
import type { Proactive } from './proactive';

export class BatchProgress {
  constructor(
    protected readonly proactive: Proactive,
    protected readonly service: OffboardingService,
    protected readonly options: NotifierOptions = {},
  ) {}

  /** The batch was submitted: its progress card goes to the thread (every leaver waiting for their approver). */
  submitted(_batch: Batch): Promise<void> {
    throw new Error('not implemented');
  }

  /** True when `requestId` is known to belong to a batch (then progress() handles it). */
  handles(_requestId: string): boolean {
    return false;
  }

  /** Something moved for a batch's request (decided, started, a step): the batch card updates, coalesced. Never throws. */
  changed(_requestId: string): void {
    throw new Error('not implemented');
  }

  /** A batch's request ended: its line updates; when it was the last, the batch summary goes out (once). Never throws. */
  ended(_request: OffboardingRequest, _view?: RunView): Promise<void> {
    throw new Error('not implemented');
  }
}
