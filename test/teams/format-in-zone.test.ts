// A time shown in a person's zone with the zone and its UTC offset (issue 12): DST-correct through Intl, UTC for an
// unknown zone; the decided card and the status card use it for a scheduled run.
import assert from 'node:assert/strict';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { renderDecidedCard } from '../../src/teams/cards';
import { decidedCardData, personZone, statusCardData } from '../../src/teams/view';
import { formatInZone, utcOffset } from '../../src/teams/zoned-time';
import { sampleRequest } from './sample-request';

describe('formatInZone', () => {
  it('shows the time in the zone, naming it and its offset then', () => {
    assert.equal(formatInZone('2026-12-04T16:00:00.000Z', 'Europe/Paris'), 'Fri 4 Dec 2026, 17:00 Europe/Paris (UTC+01:00)');
    assert.equal(formatInZone('2026-12-04T16:00:00.000Z', 'America/Los_Angeles'), 'Fri 4 Dec 2026, 08:00 America/Los_Angeles (UTC-08:00)');
    assert.equal(formatInZone('2026-12-04T16:00:00.000Z', 'Asia/Kolkata'), 'Fri 4 Dec 2026, 21:30 Asia/Kolkata (UTC+05:30)');
    // The date changes with the zone.
    assert.equal(formatInZone('2026-12-04T23:30:00.000Z', 'Asia/Tokyo'), 'Sat 5 Dec 2026, 08:30 Asia/Tokyo (UTC+09:00)');
  });

  it('unknown, missing or invalid zone: UTC, with its offset', () => {
    for (const zone of [undefined, '', 'Mars/Olympus_Mons', 'W. Europe Standard Time']) {
      assert.equal(formatInZone('2026-12-04T16:00:00.000Z', zone), 'Fri 4 Dec 2026, 16:00 UTC (UTC+00:00)', String(zone));
    }
    assert.equal(formatInZone('2026-09-07T06:05:00.000Z', 'UTC'), 'Mon 7 Sep 2026, 06:05 UTC (UTC+00:00)');
  });

  it('follows daylight saving time on both sides of the changes', () => {
    // Europe: last Sunday of March 01:00 UTC forward, last Sunday of October 01:00 UTC back.
    assert.equal(formatInZone('2026-03-29T00:59:00.000Z', 'Europe/Berlin'), 'Sun 29 Mar 2026, 01:59 Europe/Berlin (UTC+01:00)');
    assert.equal(formatInZone('2026-03-29T01:00:00.000Z', 'Europe/Berlin'), 'Sun 29 Mar 2026, 03:00 Europe/Berlin (UTC+02:00)');
    assert.equal(formatInZone('2026-10-25T00:30:00.000Z', 'Europe/London'), 'Sun 25 Oct 2026, 01:30 Europe/London (UTC+01:00)');
    assert.equal(formatInZone('2026-10-25T01:30:00.000Z', 'Europe/London'), 'Sun 25 Oct 2026, 01:30 Europe/London (UTC+00:00)');
    // US: second Sunday of March, first Sunday of November.
    assert.equal(formatInZone('2026-07-01T16:00:00.000Z', 'America/New_York'), 'Wed 1 Jul 2026, 12:00 America/New_York (UTC-04:00)');
    assert.equal(formatInZone('2026-11-02T16:00:00.000Z', 'America/New_York'), 'Mon 2 Nov 2026, 11:00 America/New_York (UTC-05:00)');
    // The southern hemisphere: summer in December.
    assert.equal(formatInZone('2026-12-04T16:00:00.000Z', 'Australia/Sydney'), 'Sat 5 Dec 2026, 03:00 Australia/Sydney (UTC+11:00)');
    assert.equal(utcOffset(Date.parse('2026-06-04T16:00:00.000Z'), 'Australia/Sydney'), '+10:00');
  });
});

describe('scheduled run time on the cards', () => {
  const base = sampleRequest();
  const scheduled: OffboardingRequest = {
    ...base,
    status: 'scheduled',
    effectiveAt: '2026-12-04T16:00:00.000Z',
    timeZone: 'Europe/London',
    zones: { [base.approvers[0]!.id]: 'Europe/Berlin' },
  };

  it("an approver's decided card says when it runs in their zone; unknown: UTC", () => {
    assert.equal(decidedCardData(scheduled, base.approvers[0]!.id).runs, 'Runs on Fri 4 Dec 2026, 17:00 Europe/Berlin (UTC+01:00)');
    assert.equal(decidedCardData(scheduled, 'someone-else').runs, 'Runs on Fri 4 Dec 2026, 16:00 UTC (UTC+00:00)');
    assert.equal(decidedCardData({ ...scheduled, status: 'cancelled' }, base.approvers[0]!.id).runs, undefined);
    assert.equal(decidedCardData({ ...scheduled, status: 'approved' }, base.approvers[0]!.id).runs, undefined);
    const rendered = JSON.stringify(renderDecidedCard(decidedCardData(scheduled, base.approvers[0]!.id)).content);
    assert.match(rendered, /"text":"Runs on Fri 4 Dec 2026, 17:00 Europe\/Berlin \(UTC\+01:00\)"/);
    assert.doesNotMatch(JSON.stringify(renderDecidedCard(decidedCardData({ ...scheduled, status: 'cancelled' })).content), /Runs on/);
  });

  it("the requester's zone: from their mailbox, else the Teams client's at submit", () => {
    assert.equal(personZone(scheduled, base.requester.id), 'Europe/London');
    assert.equal(personZone({ ...scheduled, zones: { [base.requester.id]: 'America/Los_Angeles' } }, base.requester.id), 'America/Los_Angeles');
    assert.equal(personZone(scheduled, undefined), undefined);
  });

  it("status shows a scheduled run in the viewer's zone", () => {
    const card = statusCardData([scheduled], undefined, 'Asia/Kolkata');
    assert.match(card.requests[0]!.status, /^Scheduled — runs on Fri 4 Dec 2026, 21:30 Asia\/Kolkata \(UTC\+05:30\)$/);
    assert.match(statusCardData([scheduled]).requests[0]!.status, /runs on Fri 4 Dec 2026, 16:00 UTC \(UTC\+00:00\)$/);
  });
});
