// A CSV row as a batch entry: its date (and time, 09:00 by default) read in the requester's time zone, DST included.
import assert from 'node:assert/strict';
import { entryOf } from '../../src/teams/commands/offboard-batch';

describe('offboard batch: CSV rows as entries', () => {
  it("converts the row's date and time from the requester's zone to UTC", () => {
    assert.deepEqual(entryOf({ line: 2, leaver: 'jane.doe@contoso.com', inheritor: 'tom', effectiveDate: '2027-07-01' }, 'Europe/London'), {
      query: 'jane.doe@contoso.com',
      line: 2,
      inheritor: 'tom',
      effectiveAt: '2027-07-01T08:00:00.000Z',
    });
    assert.equal(entryOf({ line: 3, leaver: 'x', effectiveDate: '2027-01-15', effectiveTime: '17:30' }, 'America/New_York').effectiveAt, '2027-01-15T22:30:00.000Z');
    assert.deepEqual(entryOf({ line: 4, leaver: 'Doe, Jane' }, 'UTC'), { query: 'Doe, Jane', line: 4 });
  });
});
