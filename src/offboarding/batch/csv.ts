// A batch as a CSV file attached in the 1:1 chat (issue 15, *Bulk*): HR's leavers list. Pure parsing of the bytes the
// Teams layer downloaded; no I/O, no lookups. RFC 4180 (quoted fields, "" escapes, commas and line breaks inside quotes,
// CRLF or LF) plus an optional UTF-8 BOM, as Excel's "CSV UTF-8" writes it. A malformed file is refused as a whole with
// a reply naming the line and the problem: half a batch is worse than none.
import { LIMITS, MAX_LIST_ENTRIES, tooLong, tooMany } from '../limits';
import { preview } from './entries';

/** The largest file read: the download is capped here (the caller checks Content-Length and the bytes read). */
export const MAX_CSV_BYTES = 1024 * 1024;

export interface LeaverRow {
  /** 1-based line where the row starts in the file. */
  line: number;
  /** UPN, mail, name or Entra object id, resolved later like a single `offboard`. */
  leaver: string;
  inheritor?: string;
  /** YYYY-MM-DD, local wall time: the caller applies the requester's time zone. */
  effectiveDate?: string;
  /** HH:mm, only with effectiveDate. */
  effectiveTime?: string;
}

export type LeaversCsv =
  | { ok: true; rows: LeaverRow[]; duplicates: string[] }
  | { ok: false; reason: string };

const COLUMNS_HINT = 'the columns are leaver, inheritor (optional), effective date (optional)';

type Column = 'leaver' | 'inheritor' | 'effectiveDate';
/** Header names compared without case, spaces, underscores or hyphens: "Effective date", "effective_date", "effectiveDate". */
const COLUMN_NAMES: Record<string, Column> = { leaver: 'leaver', inheritor: 'inheritor', effectivedate: 'effectiveDate' };
const COLUMN_LABELS: Record<Column, string> = { leaver: 'leaver', inheritor: 'inheritor', effectiveDate: 'effective date' };

interface CsvRecord {
  line: number;
  fields: string[];
}

type Failure = { ok: false; reason: string };
const fail = (line: number, problem: string): Failure => ({ ok: false, reason: `Line ${line}: ${problem}.` });

/** Splits the text into records, each with the line it starts on. */
function readRecords(text: string): { ok: true; records: CsvRecord[] } | Failure {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  const isEol = (at: number): boolean => text[at] === '\n' || text[at] === '\r';
  /** Consumes one line break at i (CRLF, LF or a lone CR). */
  const eol = (): void => {
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
  };
  while (i < n) {
    const record: CsvRecord = { line, fields: [] };
    for (;;) {
      let j = i;
      while (text[j] === ' ' || text[j] === '\t') {
        j++; // spaces before an opening quote are tolerated: `a, "b, c"`
      }
      if (text[j] === '"') {
        const opened = line;
        let value = '';
        i = j + 1;
        for (;;) {
          if (i >= n) {
            return fail(opened, 'an unclosed quote');
          }
          if (text[i] === '"') {
            if (text[i + 1] !== '"') {
              i++;
              break;
            }
            value += '"';
            i += 2;
          } else if (isEol(i)) {
            value += '\n';
            eol();
          } else {
            value += text[i++];
          }
        }
        while (text[i] === ' ' || text[i] === '\t') {
          i++;
        }
        if (i < n && text[i] !== ',' && !isEol(i)) {
          return fail(line, 'text after a closing quote; put the whole field in quotes and double the quotes inside it ("")');
        }
        record.fields.push(value);
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && !isEol(i)) {
          if (text[i] === '"') {
            return fail(line, 'a quote inside a field; put the whole field in quotes and double the quotes inside it ("")');
          }
          i++;
        }
        record.fields.push(text.slice(start, i));
      }
      if (text[i] !== ',') {
        break;
      }
      i++;
    }
    if (i < n) {
      eol();
    }
    records.push(record);
  }
  return { ok: true, records };
}

/** Every field blank: an empty line, or one of Excel's ",,," rows. */
const isBlank = (record: CsvRecord): boolean => record.fields.every((f) => f.trim() === '');

/** Trimmed, with line breaks and runs of spaces inside a value made one space; undefined when empty. */
function clean(value: string | undefined): string | undefined {
  const v = value?.replace(/\s+/g, ' ').trim();
  return v ? v : undefined;
}

/** YYYY-MM-DD or YYYY-MM-DDTHH:mm, a real calendar date and time. */
function parseWhen(value: string): { date: string; time?: string } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value);
  if (!m) {
    return undefined;
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate(); // day 0 of the next month
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    return undefined;
  }
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59)) {
    return undefined;
  }
  return { date: `${m[1]}-${m[2]}-${m[3]}`, time: m[4] === undefined ? undefined : `${m[4]}:${m[5]}` };
}

/** The column of each header field, or the reply naming what is wrong with the header. */
function readHeader(header: CsvRecord): { ok: true; columns: Column[] } | Failure {
  const columns: Column[] = [];
  const unknown: string[] = [];
  for (const [index, raw] of header.fields.entries()) {
    const name = raw.trim();
    if (name === '') {
      return fail(header.line, `column ${index + 1} has no name; ${COLUMNS_HINT}`);
    }
    const column = COLUMN_NAMES[name.toLowerCase().replace(/[\s_-]/g, '')];
    if (!column) {
      unknown.push(`"${preview(name)}"`);
    } else if (columns.includes(column)) {
      return fail(header.line, `the "${COLUMN_LABELS[column]}" column appears twice`);
    } else {
      columns.push(column);
    }
  }
  if (unknown.length > 0) {
    return fail(header.line, `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ${COLUMNS_HINT}`);
  }
  if (!columns.includes('leaver')) {
    return fail(header.line, `no "leaver" column; ${COLUMNS_HINT}`);
  }
  return { ok: true, columns };
}

/**
 * The leavers in a CSV file. Blank lines are skipped. A leaver listed again with the same inheritor and date is kept
 * once and reported in `duplicates`; listed again with a different inheritor or date, the file is refused (which
 * one was meant?).
 */
export function parseLeaversCsv(bytes: Buffer | string): LeaversCsv {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > MAX_CSV_BYTES) {
    return { ok: false, reason: `The file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB.` };
  }
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: 'The file is not UTF-8 text; save it as "CSV UTF-8".' };
  }
  text = text.replace(/^\uFEFF/, ''); // TextDecoder drops the BOM already; a string may still carry it

  const read = readRecords(text);
  if (!read.ok) {
    return read;
  }
  const records = read.records.filter((r) => !isBlank(r));
  const header = records.shift();
  if (!header) {
    return { ok: false, reason: 'The file is empty.' };
  }
  const head = readHeader(header);
  if (!head.ok) {
    return head;
  }
  if (records.length === 0) {
    return { ok: false, reason: 'The file has a header but no leavers.' };
  }
  if (records.length > MAX_LIST_ENTRIES) {
    return { ok: false, reason: `${tooMany('The file', records.length)}.` };
  }

  const rows: LeaverRow[] = [];
  const duplicates: string[] = [];
  const seen = new Map<string, { row: LeaverRow; reported: boolean }>();
  for (const record of records) {
    const width = head.columns.length;
    if (record.fields.length !== width) {
      const count = record.fields.length;
      return fail(record.line, `${count} field${count === 1 ? '' : 's'}, the header has ${width}`);
    }
    const value = (column: Column): string | undefined => clean(record.fields[head.columns.indexOf(column)]);
    const row: LeaverRow = { line: record.line, leaver: '' };
    for (const column of ['leaver', 'inheritor'] as const) {
      const v = value(column);
      if (v !== undefined && v.length > LIMITS.name) {
        return fail(record.line, tooLong(`the ${column}`, LIMITS.name, v.length));
      }
      if (v !== undefined) {
        row[column] = v;
      }
    }
    if (!row.leaver) {
      return fail(record.line, 'no leaver');
    }
    const when = value('effectiveDate');
    if (when !== undefined) {
      const parsed = parseWhen(when);
      if (!parsed) {
        return fail(record.line, `the effective date "${preview(when)}" is not YYYY-MM-DD or YYYY-MM-DDTHH:mm`);
      }
      row.effectiveDate = parsed.date;
      if (parsed.time !== undefined) {
        row.effectiveTime = parsed.time;
      }
    }
    const key = row.leaver.toLowerCase();
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, { row, reported: false });
      rows.push(row);
      continue;
    }
    const e = earlier.row;
    if (e.inheritor?.toLowerCase() !== row.inheritor?.toLowerCase() || e.effectiveDate !== row.effectiveDate || e.effectiveTime !== row.effectiveTime) {
      return fail(record.line, `"${preview(row.leaver)}" is also on line ${e.line}, with a different inheritor or effective date`);
    }
    if (!earlier.reported) {
      earlier.reported = true;
      duplicates.push(e.leaver);
    }
  }
  return { ok: true, rows, duplicates };
}
