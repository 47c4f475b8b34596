// A request scheduled for later: the requester and the approvers are told when it runs, each in their own time zone.
// The zones come from their mailbox settings (one $batch: time-zones.ts) and are kept on the request, so `status` shows
// each person the time they were told. A failed read leaves that person in UTC, shown with its offset: nothing here
// holds up the schedule, which is already stored. The telling is recorded (`scheduledToldAt`): a process that died
// before it tells at start-up (service.resume).
import type { Logger } from '../logger';
import type { Audit } from './audit';
import type { Directory } from './directory';
import type { Allowed, OffboardingRequest, Refusal } from './requests';
import type { RequestNotifier } from './service';

export interface ScheduleNoticeDeps {
  directory: Pick<Directory, 'timeZones'>;
  audit: Audit;
  logger?: Logger;
  now: () => Date;
  /** The service's compare-and-swap update of a request. */
  update: (id: string, change: (r: OffboardingRequest) => Allowed<OffboardingRequest> | Refusal) => Promise<{ ok: true; request: OffboardingRequest } | { ok: false; reason: string }>;
  notifier: () => RequestNotifier | undefined;
}

export async function tellScheduled(deps: ScheduleNoticeDeps, request: OffboardingRequest): Promise<void> {
  const people = [request.requester.id, ...request.approvers.map((a) => a.id)];
  const zones = await deps.directory.timeZones(people).catch((err: unknown) => {
    deps.logger?.warn({ err, requestId: request.id }, 'time zones not read: times shown in UTC');
    return {};
  });
  const stored = Object.keys(zones).length > 0 ? await deps.update(request.id, (r) => ({ ok: true, value: { ...r, zones: { ...r.zones, ...zones } } })).catch(() => undefined) : undefined;
  const latest = stored?.ok ? stored.request : { ...request, zones: { ...request.zones, ...zones } };
  if (latest.status !== 'scheduled') {
    return; // cancelled (or started) meanwhile: that news went out on its own
  }
  const told = await deps
    .notifier()
    ?.scheduled?.(latest)
    .then(() => true)
    .catch((err: unknown) => deps.logger?.warn({ err, requestId: request.id }, 'schedule not shown in Teams'));
  if (told) {
    const at = deps.now().toISOString();
    await deps.update(request.id, (r) => (r.status === 'scheduled' ? { ok: true, value: { ...r, scheduledToldAt: at } } : { ok: false, reason: r.status }));
    await deps.audit.record({ kind: 'notify', requestId: request.id, data: { event: 'schedule-told', zones: latest.zones ?? {} } });
  }
}
