// Parsing a batch (issue 15, *Bulk*): the list typed after `offboard` and the leavers CSV. Pure: no tenant, no I/O.
import assert from 'node:assert/strict';
import { isBatchText, parseEntryList } from '../../src/offboarding/batch/entries';
import { MAX_CSV_BYTES, parseLeaversCsv } from '../../src/offboarding/batch/csv';
import { LIMITS, MAX_LIST_ENTRIES } from '../../src/offboarding/limits';

const queries = (text: string): string[] => {
  const r = parseEntryList(text);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.entries.map((e) => e.query);
};
const reason = (r: { ok: true } | { ok: false; reason: string }): string => {
  assert.equal(r.ok, false);
  return (r as { reason: string }).reason;
};

describe('batch: the list after offboard', () => {
  it('splits on new lines and semicolons, with the line of each entry', () => {
    const r = parseEntryList('Jane Doe\r\njohn@contoso.com; Ann Lee\nBob Ray');
    assert.ok(r.ok);
    assert.deepEqual(r.entries, [
      { query: 'Jane Doe', line: 1 },
      { query: 'john@contoso.com', line: 2 },
      { query: 'Ann Lee', line: 2 },
      { query: 'Bob Ray', line: 3 },
    ]);
    assert.deepEqual(r.duplicates, []);
  });

  it('splits on commas only when every piece is a UPN or mail', () => {
    assert.deepEqual(queries('Doe, Jane'), ['Doe, Jane']);
    assert.deepEqual(queries('a@contoso.com, b@contoso.com'), ['a@contoso.com', 'b@contoso.com']);
    assert.deepEqual(queries('a@contoso.com,b@contoso.com,'), ['a@contoso.com', 'b@contoso.com']);
    assert.deepEqual(queries('a@contoso.com, Doe, Jane\nRay, Bob; c@contoso.com, d@fabrikam.co.uk'), [
      'a@contoso.com, Doe, Jane',
      'Ray, Bob',
      'c@contoso.com',
      'd@fabrikam.co.uk',
    ]);
    // not addresses: no dot in the domain, two '@', a space
    assert.deepEqual(queries('a@contoso, b@contoso.com'), ['a@contoso, b@contoso.com']);
    assert.deepEqual(queries('a@b@contoso.com, b@contoso.com'), ['a@b@contoso.com, b@contoso.com']);
  });

  it('trims and drops empty entries', () => {
    assert.deepEqual(queries('  Jane Doe  ;; \n\n   ;  John Roe \n ,'), ['Jane Doe', 'John Roe', ',']);
    assert.deepEqual(queries(' ; \n , '), [',']);
  });

  it('keeps the first of entries repeated in any case, and reports each once', () => {
    const r = parseEntryList('Jane Doe\njohn@contoso.com; JANE DOE\njane doe; John@Contoso.com, a@contoso.com');
    assert.ok(r.ok);
    assert.deepEqual(r.entries, [
      { query: 'Jane Doe', line: 1 },
      { query: 'john@contoso.com', line: 2 },
      { query: 'a@contoso.com', line: 3 },
    ]);
    assert.deepEqual(r.duplicates, ['Jane Doe', 'john@contoso.com']);
  });

  it(`accepts ${MAX_LIST_ENTRIES} entries and refuses ${MAX_LIST_ENTRIES + 1}`, () => {
    const list = (n: number): string => Array.from({ length: n }, (_, i) => `user${i}@contoso.com`).join('\n');
    const ok = parseEntryList(list(MAX_LIST_ENTRIES));
    assert.ok(ok.ok);
    assert.equal(ok.entries.length, MAX_LIST_ENTRIES);
    assert.equal(reason(parseEntryList(list(MAX_LIST_ENTRIES + 1))), 'The list has more than 500 entries (it has 501).');
    // the limit counts what was typed, repeats included
    assert.equal(reason(parseEntryList(Array(MAX_LIST_ENTRIES + 1).fill('Jane Doe').join(';'))), 'The list has more than 500 entries (it has 501).');
  });

  it('refuses an entry over the name limit, naming it and its position', () => {
    const long = 'x'.repeat(LIMITS.name + 1);
    assert.equal(
      reason(parseEntryList(`Jane Doe\nJohn Roe; ${long}`)),
      `Entry 3 (line 2, "${'x'.repeat(40)}…") is longer than 256 characters (it has 257): a name, UPN or mail has at most 256.`,
    );
    assert.ok(parseEntryList(`Jane Doe\n${'x'.repeat(LIMITS.name)}`).ok);
  });

  it('refuses an empty list', () => {
    assert.equal(reason(parseEntryList('')), 'There are no names, UPNs or mails in the list.');
    assert.equal(reason(parseEntryList(' ;\n ; ')), 'There are no names, UPNs or mails in the list.');
  });

  it('isBatchText: more than one entry by the same rules', () => {
    for (const single of ['Jane Doe', 'Doe, Jane', 'jane@contoso.com', 'a@contoso.com, Doe, Jane', 'Jane Doe;', ' Jane Doe \n\n', '']) {
      assert.equal(isBatchText(single), false, single);
    }
    assert.equal(isBatchText('Jane Doe Tom Alvarez'), false, 'names never split on spaces');
    assert.equal(isBatchText('jane@contoso.com Jane Doe'), false, 'nor a UPN next to a name');
    assert.deepEqual(queries('a@contoso.com b@contoso.com  c@contoso.com'), ['a@contoso.com', 'b@contoso.com', 'c@contoso.com'], 'a list whose line breaks became spaces');
    for (const batch of ['Jane Doe; John Roe', 'Doe, Jane\nRoe, John', 'a@contoso.com, b@contoso.com', 'a@contoso.com b@contoso.com', 'Jane Doe; jane doe']) {
      assert.equal(isBatchText(batch), true, batch);
    }
  });
});

describe('batch: the leavers CSV', () => {
  const rows = (csv: string | Buffer) => {
    const r = parseLeaversCsv(csv);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return r.rows;
  };

  it('reads a file with every column', () => {
    const r = parseLeaversCsv(
      'leaver,inheritor,effective date\n' +
        'jane@contoso.com,john@contoso.com,2026-12-31\n' +
        'Ann Lee,,2027-01-04T17:30\n' +
        '9f1c2d3e-4b5a-6c7d-8e9f-0a1b2c3d4e5f, ,\n',
    );
    assert.ok(r.ok);
    assert.deepEqual(r.rows, [
      { line: 2, leaver: 'jane@contoso.com', inheritor: 'john@contoso.com', effectiveDate: '2026-12-31' },
      { line: 3, leaver: 'Ann Lee', effectiveDate: '2027-01-04', effectiveTime: '17:30' },
      { line: 4, leaver: '9f1c2d3e-4b5a-6c7d-8e9f-0a1b2c3d4e5f' },
    ]);
    assert.deepEqual(r.duplicates, []);
  });

  it('accepts header variants, in any order, with optional columns left out', () => {
    for (const header of ['Leaver,Inheritor,Effective date', 'LEAVER,inheritor,effective_date', 'leaver,inheritor,effectiveDate', ' leaver , inheritor , Effective-Date ']) {
      assert.deepEqual(rows(`${header}\njane@contoso.com,john@contoso.com,2026-12-31`), [
        { line: 2, leaver: 'jane@contoso.com', inheritor: 'john@contoso.com', effectiveDate: '2026-12-31' },
      ], header);
    }
    assert.deepEqual(rows('Effective Date,Leaver\n2026-12-31T08:00,jane@contoso.com'), [
      { line: 2, leaver: 'jane@contoso.com', effectiveDate: '2026-12-31', effectiveTime: '08:00' },
    ]);
    assert.deepEqual(rows('leaver\njane@contoso.com\n'), [{ line: 2, leaver: 'jane@contoso.com' }]);
  });

  it('reads quoted fields with commas, "" escapes and line breaks, keeping the line numbers right', () => {
    const r = parseLeaversCsv('leaver,inheritor\n"Doe, Jane","Roe,\nJohn"\n"Lee ""Ann"" Smith", "Ray, Bob" \nbob@contoso.com,""\n');
    assert.ok(r.ok);
    assert.deepEqual(r.rows, [
      { line: 2, leaver: 'Doe, Jane', inheritor: 'Roe, John' }, // a line break inside a value reads as a space
      { line: 4, leaver: 'Lee "Ann" Smith', inheritor: 'Ray, Bob' },
      { line: 5, leaver: 'bob@contoso.com' },
    ]);
  });

  it('reads CRLF, a UTF-8 BOM, and skips blank lines', () => {
    const text = '\uFEFFleaver,inheritor\r\n\r\njane@contoso.com,john@contoso.com\r\n,\r\n   \r\n"Doe,\r\nJane",\r\nann@contoso.com,\r\n\r\n';
    const expected = [
      { line: 3, leaver: 'jane@contoso.com', inheritor: 'john@contoso.com' },
      { line: 6, leaver: 'Doe, Jane' },
      { line: 8, leaver: 'ann@contoso.com' },
    ];
    assert.deepEqual(rows(text), expected);
    assert.deepEqual(rows(Buffer.from(text, 'utf8')), expected);
    assert.deepEqual(rows(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('leaver\nJosé Núñez')])), [{ line: 2, leaver: 'José Núñez' }]);
    assert.deepEqual(rows('\n\nleaver\n\njane@contoso.com'), [{ line: 5, leaver: 'jane@contoso.com' }]);
  });

  it('keeps one of a leaver listed twice alike, refuses one listed twice differently', () => {
    const r = parseLeaversCsv('leaver,inheritor\njane@contoso.com,john@contoso.com\nJANE@contoso.com,John@Contoso.com\nann@contoso.com,\njane@contoso.com,john@contoso.com');
    assert.ok(r.ok);
    assert.deepEqual(r.rows.map((x) => x.line), [2, 4]);
    assert.deepEqual(r.duplicates, ['jane@contoso.com']);
    assert.equal(
      reason(parseLeaversCsv('leaver,effective date\njane@contoso.com,2026-12-31\njane@contoso.com,2027-01-01')),
      'Line 3: "jane@contoso.com" is also on line 2, with a different inheritor or effective date.',
    );
  });

  it('refuses a malformed file, naming the line and the problem', () => {
    const cases: Array<[string, string]> = [
      [
        'leaver,inheritor,effective date\na@contoso.com,,2026-12-31\nb@contoso.com\n\n"c@contoso.com",,\n\nd@contoso.com,,31/12/2026',
        'Line 3: 1 field, the header has 3.',
      ],
      [
        'leaver,inheritor,effective date\na@contoso.com,,\nb@contoso.com,,\n\n\nc@contoso.com,,\nd@contoso.com,,31/12/2026',
        'Line 7: the effective date "31/12/2026" is not YYYY-MM-DD or YYYY-MM-DDTHH:mm.',
      ],
      ['leaver,effective date\na@contoso.com,2026-02-30', 'Line 2: the effective date "2026-02-30" is not YYYY-MM-DD or YYYY-MM-DDTHH:mm.'],
      ['leaver,effective date\na@contoso.com,2026-12-31T24:00', 'Line 2: the effective date "2026-12-31T24:00" is not YYYY-MM-DD or YYYY-MM-DDTHH:mm.'],
      ['leaver,effective date\na@contoso.com,2026-12-31 09:00', 'Line 2: the effective date "2026-12-31 09:00" is not YYYY-MM-DD or YYYY-MM-DDTHH:mm.'],
      ['leaver,inheritor\na@contoso.com,\n"b@contoso.com,x', 'Line 3: an unclosed quote.'],
      ['leaver,inheritor\n"a@contoso.com\n\nb",x\n"c,\nd', 'Line 5: an unclosed quote.'],
      ['inheritor,effective date\na@contoso.com,2026-12-31', 'Line 1: no "leaver" column; the columns are leaver, inheritor (optional), effective date (optional).'],
      ['leaver,inheritor,effective date\na,,\nb,,\nc,,\nd,,,', 'Line 5: 4 fields, the header has 3.'],
      ['leaver,inheritor\na,b\nc,d\n\nd,e\ne,f\nf,g\ng,h\n,h', 'Line 9: no leaver.'],
      ['leaver,inheritor\n  ,john@contoso.com', 'Line 2: no leaver.'],
      ['leaver,Department,inheritor,Notes\na,b,c,d', 'Line 1: unknown columns "Department", "Notes"; the columns are leaver, inheritor (optional), effective date (optional).'],
      ['name\nJane Doe', 'Line 1: unknown column "name"; the columns are leaver, inheritor (optional), effective date (optional).'],
      ['leaver,,inheritor\na,,b', 'Line 1: column 2 has no name; the columns are leaver, inheritor (optional), effective date (optional).'],
      ['leaver,Leaver\na,b', 'Line 1: the "leaver" column appears twice.'],
      ['leaver,inheritor\nJane "JD" Doe,b', 'Line 2: a quote inside a field; put the whole field in quotes and double the quotes inside it ("").'],
      ['leaver,inheritor\n"Jane" Doe,b', 'Line 2: text after a closing quote; put the whole field in quotes and double the quotes inside it ("").'],
      [`leaver,inheritor\na,b\n${'x'.repeat(LIMITS.name + 1)},c`, 'Line 3: the leaver is longer than 256 characters (it has 257).'],
      [`leaver,inheritor\na,${'y'.repeat(300)}`, 'Line 2: the inheritor is longer than 256 characters (it has 300).'],
    ];
    for (const [csv, expected] of cases) {
      assert.equal(reason(parseLeaversCsv(csv)), expected, csv);
    }
    assert.ok(parseLeaversCsv(`leaver\n${'x'.repeat(LIMITS.name)}`).ok);
  });

  it('refuses an empty file, a header alone, a file that is not UTF-8 or over the size cap', () => {
    for (const empty of ['', '\uFEFF', '\n\r\n', ',,\n', Buffer.alloc(0)]) {
      assert.equal(reason(parseLeaversCsv(empty)), 'The file is empty.', JSON.stringify(empty));
    }
    assert.equal(reason(parseLeaversCsv('leaver,inheritor\r\n\r\n')), 'The file has a header but no leavers.');
    assert.equal(reason(parseLeaversCsv(Buffer.from([0x6c, 0x65, 0x61, 0x76, 0x65, 0x72, 0x0a, 0x4a, 0x6f, 0x73, 0xe9]))), 'The file is not UTF-8 text; save it as "CSV UTF-8".');
    assert.equal(reason(parseLeaversCsv(Buffer.alloc(MAX_CSV_BYTES + 1, 0x61))), 'The file is larger than 1 MB.');
  });

  it(`accepts ${MAX_LIST_ENTRIES} rows and refuses ${MAX_LIST_ENTRIES + 1}`, () => {
    const file = (n: number): string => ['leaver,inheritor', ...Array.from({ length: n }, (_, i) => `user${i}@contoso.com,boss@contoso.com`)].join('\r\n');
    assert.equal(rows(file(MAX_LIST_ENTRIES)).length, MAX_LIST_ENTRIES);
    assert.equal(reason(parseLeaversCsv(file(MAX_LIST_ENTRIES + 1))), 'The file has more than 500 entries (it has 501).');
  });
});
