// A value as text for messages and comparisons: strings as they are, objects as JSON, null/undefined as ''.
export function asText(v: unknown): string {
  if (typeof v === 'string') {
    return v;
  }
  if (v === null || v === undefined) {
    return '';
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return v.toString();
  }
  return JSON.stringify(v) ?? '';
}
