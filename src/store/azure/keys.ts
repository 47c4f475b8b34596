// Where a document lives in the one documents table. PartitionKey `<group>|<head>`: head is the id up to its first
// '/', group is 'run' for runs, steps and items (a run, its steps and its targets share `run|<runId>`, so a fenced
// write and its fence token are one entity-group transaction) and the collection itself otherwise. RowKey
// `<collection>|<id>`. Each part is escaped reversibly: Table Storage forbids / \ # ? and control characters in keys,
// and escaping '|' keeps the separator unambiguous, '~' keeps the store's own entities (fence tokens, the audit
// pointer) apart from documents, '!' (the escape) keeps it reversible, and characters from U+FFFF up are escaped so
// that keys hold no surrogates. The escape is `!XX` per UTF-8 byte, not `%XX`: '%' in keys has tripped the service's
// URL decoding of point queries (so '%' itself is escaped too), while '!' passes through URLs untouched.

// eslint-disable-next-line no-control-regex -- control characters are exactly what keys must not hold
const ESCAPED = /[/\\#?%!|~\u0000-\u001f\u007f-\u009f\uffff\u{10000}-\u{10ffff}]/gu;

/** Encodes (`!XX` per UTF-8 byte) every character keys can't hold; the result sorts with plain prefix ranges. */
export function escapeKey(text: string): string {
  return text.replace(ESCAPED, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `!${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

export function unescapeKey(text: string): string {
  return text.replace(/(?:![0-9A-F]{2})+/g, (run) => Buffer.from(run.slice(1).split('!').map((h) => parseInt(h, 16))).toString('utf8'));
}

/** Collections whose documents are a run's: kept in the run's partition beside its fence token. */
const RUN_GROUP = new Set(['runs', 'steps', 'items']);

export function groupOf(collection: string): string {
  return RUN_GROUP.has(collection) ? 'run' : escapeKey(collection);
}

export function isRunGroup(collection: string): boolean {
  return RUN_GROUP.has(collection);
}

export function headOf(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

export function partitionKey(collection: string, id: string): string {
  return `${groupOf(collection)}|${escapeKey(headOf(id))}`;
}

export function rowKey(collection: string, id: string): string {
  return `${escapeKey(collection)}|${escapeKey(id)}`;
}

export interface DocumentKeys {
  partitionKey: string;
  rowKey: string;
}

export function documentKeys(collection: string, id: string): DocumentKeys {
  return { partitionKey: partitionKey(collection, id), rowKey: rowKey(collection, id) };
}

/** The collection and id a document's RowKey names; undefined for the store's own entities ('~…'). */
export function parseRowKey(key: string): { collection: string; id: string } | undefined {
  const bar = key.indexOf('|');
  if (key.startsWith('~') || bar < 0) {
    return undefined;
  }
  return { collection: unescapeKey(key.slice(0, bar)), id: unescapeKey(key.slice(bar + 1)) };
}

/** The least key above every key that starts with `prefix` (never empty here: it ends in an escaped part or '|'). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** OData string literal: single quotes doubled. */
export function odata(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A run's fencing tokens live in its partition; `~` sorts them after its documents and apart from them. */
export function fencePartition(key: string): string {
  return `run|${escapeKey(headOf(key))}`;
}

/** Tokens of one fence key (two keys under one run head share the partition, not the tokens). */
export function fenceRowPrefix(key: string): string {
  return `~fence|${escapeKey(key)}|`;
}

export function fenceRowKey(key: string, epoch: number): string {
  return `${fenceRowPrefix(key)}${String(epoch).padStart(12, '0')}`;
}
