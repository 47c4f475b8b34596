// A list typed one per line keeps its lines when Teams delivers `text` with the breaks turned into spaces: they come
// from the message's text/html attachment (turn.ts textWithLines).
import assert from 'node:assert/strict';
import { parseEntryList } from '../../src/offboarding/batch/entries';
import { commandArgs } from '../../src/teams/commands/command';
import { textWithLines } from '../../src/teams/turn';

describe('textWithLines (a list typed one per line)', () => {
  it('takes the lines from the HTML when the text lost them, without the mention', () => {
    const activity = {
      text: 'offboard Jane Doe Tom Alvarez Doe, Jane',
      attachments: [{ contentType: 'text/html', content: '<p><at>Offboarding</at>&nbsp;offboard Jane Doe</p><p>Tom Alvarez</p><div>Doe, Jane &amp; co</div>' }],
    };
    const args = commandArgs('offboard', textWithLines(activity));
    assert.equal(args, 'Jane Doe\nTom Alvarez\nDoe, Jane & co');
    const parsed = parseEntryList(args);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.entries.map((e) => e.query), ['Jane Doe', 'Tom Alvarez', 'Doe, Jane & co']);
  });

  it('keeps the text when there is no HTML, or the HTML has no more lines', () => {
    assert.equal(textWithLines({ text: 'offboard Jane Doe\nTom Alvarez' }), 'offboard Jane Doe\nTom Alvarez');
    assert.equal(textWithLines({ text: 'offboard Jane Doe', attachments: [{ contentType: 'text/html', content: '<p>offboard <b>Jane</b> Doe</p>' }] }), 'offboard Jane Doe');
  });
});
