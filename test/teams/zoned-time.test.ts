import assert from 'node:assert/strict';
import { todayIn, zonedToUtc } from '../../src/teams/zoned-time';

describe('zoned time', () => {
  it('reads a wall-clock time in the requester’s zone, across daylight saving', () => {
    assert.equal(zonedToUtc('2026-07-01', '09:00', 'Europe/London').toISOString(), '2026-07-01T08:00:00.000Z');
    assert.equal(zonedToUtc('2026-12-01', '09:00', 'Europe/London').toISOString(), '2026-12-01T09:00:00.000Z');
    assert.equal(zonedToUtc('2026-03-08', '12:30', 'America/New_York').toISOString(), '2026-03-08T16:30:00.000Z');
    assert.equal(zonedToUtc('2026-11-27', '18:00', 'UTC').toISOString(), '2026-11-27T18:00:00.000Z');
  });

  it('knows today in a zone', () => {
    assert.equal(todayIn('Pacific/Auckland', new Date('2026-11-27T12:00:00Z')), '2026-11-28');
    assert.equal(todayIn('UTC', new Date('2026-11-27T12:00:00Z')), '2026-11-27');
  });
});
