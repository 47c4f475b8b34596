// OData query options as Graph implements them for the requests the bot makes: $filter (eq, ne, in, startswith,
// endswith, and/or/not, any() lambdas), $search ("property:term" clauses), $select, $orderby, $top and $count.
// Directory objects follow the "advanced query" rules (https://learn.microsoft.com/graph/aad-advanced-queries):
// $search and $count need `ConsistencyLevel: eventual`; ne, not and endswith need it and $count=true as well.
import { graphErrors } from './errors';
import { asText } from './text';

type Literal = string | number | boolean | null;
type Operand = { kind: 'path'; path: string[] } | { kind: 'lit'; value: Literal };
export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; expr: FilterNode }
  | { type: 'cmp'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: Operand; right: Operand }
  | { type: 'in'; left: Operand; values: Literal[] }
  | { type: 'call'; name: 'startswith' | 'endswith' | 'contains'; args: Operand[] }
  | { type: 'lambda'; quantifier: 'any' | 'all'; path: string[]; variable: string; expr: FilterNode };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Token {
  kind: 'word' | 'string' | 'punct';
  text: string;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ('(),:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) {
          throw graphErrors.badRequest(`Invalid filter clause: unterminated string literal.`);
        }
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input[i];
        i++;
      }
      tokens.push({ kind: 'string', text });
    } else {
      const m = /^[^\s(),:']+/.exec(input.slice(i));
      tokens.push({ kind: 'word', text: m![0] });
      i += m![0].length;
    }
  }
  return tokens;
}

class FilterParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.orExpr();
    if (this.pos < this.tokens.length) {
      throw graphErrors.badRequest(`Invalid filter clause: syntax error at '${this.tokens[this.pos]!.text}'.`);
    }
    return node;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  private expect(text: string): void {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'punct' || t.text !== text) {
      throw graphErrors.badRequest(`Invalid filter clause: '${text}' expected.`);
    }
    this.pos++;
  }

  /** Left-associative `operand (op operand)*`. */
  private binary(op: 'or' | 'and', operand: () => FilterNode): FilterNode {
    let left = operand();
    while (this.peekWord(op)) {
      this.pos++;
      left = { type: op, left, right: operand() };
    }
    return left;
  }

  private orExpr(): FilterNode {
    return this.binary('or', () => this.andExpr());
  }

  private andExpr(): FilterNode {
    return this.binary('and', () => this.unary());
  }

  private unary(): FilterNode {
    if (this.peekWord('not')) {
      this.pos++;
      return { type: 'not', expr: this.unary() };
    }
    const t = this.tokens[this.pos];
    if (t?.kind === 'punct' && t.text === '(') {
      this.pos++;
      const inner = this.orExpr();
      this.expect(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const t = this.tokens[this.pos];
    const next = this.tokens[this.pos + 1];
    if (t?.kind === 'word' && next?.kind === 'punct' && next.text === '(') {
      const name = t.text.toLowerCase();
      const lambda = /^(.*)\/(any|all)$/i.exec(t.text);
      if (lambda) {
        this.pos += 2;
        const variable = this.word();
        this.expect(':');
        const expr = this.orExpr();
        this.expect(')');
        return { type: 'lambda', quantifier: lambda[2]!.toLowerCase() as 'any' | 'all', path: lambda[1]!.split('/'), variable, expr };
      }
      if (name === 'startswith' || name === 'endswith' || name === 'contains') {
        this.pos += 2;
        const args = [this.operand()];
        this.expect(',');
        args.push(this.operand());
        this.expect(')');
        return { type: 'call', name, args };
      }
      throw graphErrors.badRequest(`Invalid filter clause: unknown function '${t.text}'.`);
    }
    const left = this.operand();
    const op = this.word().toLowerCase();
    if (op === 'in') {
      this.expect('(');
      const values: Literal[] = [];
      for (;;) {
        const v = this.operand();
        if (v.kind !== 'lit') {
          throw graphErrors.badRequest('Invalid filter clause: literal expected in an in() list.');
        }
        values.push(v.value);
        const sep = this.tokens[this.pos];
        if (sep?.kind === 'punct' && sep.text === ',') {
          this.pos++;
          continue;
        }
        break;
      }
      this.expect(')');
      return { type: 'in', left, values };
    }
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op)) {
      throw graphErrors.badRequest(`Invalid filter clause: unknown operator '${op}'.`);
    }
    return { type: 'cmp', op: op as 'eq', left, right: this.operand() };
  }

  private word(): string {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'word') {
      throw graphErrors.badRequest('Invalid filter clause: identifier expected.');
    }
    this.pos++;
    return t.text;
  }

  private operand(): Operand {
    const t = this.tokens[this.pos];
    if (!t || t.kind === 'punct') {
      throw graphErrors.badRequest('Invalid filter clause: operand expected.');
    }
    this.pos++;
    if (t.kind === 'string') {
      return { kind: 'lit', value: t.text };
    }
    const lower = t.text.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      return { kind: 'lit', value: lower === 'true' };
    }
    if (lower === 'null') {
      return { kind: 'lit', value: null };
    }
    if (GUID.test(t.text)) {
      return { kind: 'lit', value: t.text };
    }
    if (/^-?\d+(\.\d+)?$/.test(t.text)) {
      return { kind: 'lit', value: Number(t.text) };
    }
    return { kind: 'path', path: t.text.split('/') };
  }
}

export function parseFilter(filter: string): FilterNode {
  return new FilterParser(tokenize(filter)).parse();
}

/** The operators Graph accepts on directory objects only as advanced queries. */
export function needsAdvancedQuery(node: FilterNode): boolean {
  switch (node.type) {
    case 'and':
    case 'or':
      return needsAdvancedQuery(node.left) || needsAdvancedQuery(node.right);
    case 'not':
      return true;
    case 'cmp':
      return node.op === 'ne';
    case 'call':
      return node.name === 'endswith';
    case 'lambda':
      return needsAdvancedQuery(node.expr);
    default:
      return false;
  }
}

/** First path segments the filter reads (outside lambda variables), to check they exist on the type. */
export function filterProperties(node: FilterNode, variables: string[] = []): string[] {
  const fromOperand = (o: Operand): string[] => (o.kind === 'path' && !variables.includes(o.path[0]!) ? [o.path[0]!] : []);
  switch (node.type) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left, variables), ...filterProperties(node.right, variables)];
    case 'not':
      return filterProperties(node.expr, variables);
    case 'cmp':
      return [...fromOperand(node.left), ...fromOperand(node.right)];
    case 'in':
      return fromOperand(node.left);
    case 'call':
      return node.args.flatMap(fromOperand);
    case 'lambda':
      return [node.path[0]!, ...filterProperties(node.expr, [...variables, node.variable])];
  }
}

type Scope = Record<string, unknown>;

function resolve(path: string[], entity: unknown, scope: Scope): unknown {
  let current: unknown;
  let rest = path;
  if (path[0] !== undefined && path[0] in scope) {
    current = scope[path[0]];
    rest = path.slice(1);
  } else {
    current = entity;
  }
  for (const segment of rest) {
    if (current === null || typeof current !== 'object') {
      return null;
    }
    const record = current as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === segment.toLowerCase());
    current = key === undefined ? null : record[key];
  }
  return current === undefined ? null : current;
}

function value(o: Operand, entity: unknown, scope: Scope): unknown {
  return o.kind === 'lit' ? o.value : resolve(o.path, entity, scope);
}

/** Directory string comparisons are case-insensitive. */
function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const x = norm(a);
  const y = norm(b);
  switch (op) {
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
    default: {
      if (x === null || y === null) {
        return false;
      }
      const xs = x as string | number;
      const ys = y as string | number;
      return op === 'gt' ? xs > ys : op === 'ge' ? xs >= ys : op === 'lt' ? xs < ys : xs <= ys;
    }
  }
}

export function evaluateFilter(node: FilterNode, entity: unknown, scope: Scope = {}): boolean {
  switch (node.type) {
    case 'and':
      return evaluateFilter(node.left, entity, scope) && evaluateFilter(node.right, entity, scope);
    case 'or':
      return evaluateFilter(node.left, entity, scope) || evaluateFilter(node.right, entity, scope);
    case 'not':
      return !evaluateFilter(node.expr, entity, scope);
    case 'cmp':
      return compare(node.op, value(node.left, entity, scope), value(node.right, entity, scope));
    case 'in': {
      const v = norm(value(node.left, entity, scope));
      return node.values.some((x) => norm(x) === v);
    }
    case 'call': {
      const [a, b] = node.args.map((o) => value(o, entity, scope));
      if (typeof a !== 'string' || typeof b !== 'string') {
        return false;
      }
      const s = a.toLowerCase();
      const t = b.toLowerCase();
      return node.name === 'startswith' ? s.startsWith(t) : node.name === 'endswith' ? s.endsWith(t) : s.includes(t);
    }
    case 'lambda': {
      const items = resolve(node.path, entity, scope);
      if (!Array.isArray(items)) {
        return false;
      }
      const test = (item: unknown): boolean => evaluateFilter(node.expr, entity, { ...scope, [node.variable]: item });
      return node.quantifier === 'any' ? items.some(test) : items.every(test);
    }
  }
}

// ---- $search ----

export interface SearchClause {
  property: string;
  term: string;
}
export interface SearchQuery {
  clauses: SearchClause[];
  operator: 'AND' | 'OR';
}

/** `"displayName:jane" OR "mail:jane"`; each clause must be quoted and name a property. */
export function parseSearch(search: string): SearchQuery {
  const clauses: SearchClause[] = [];
  let operator: 'AND' | 'OR' = 'AND';
  const re = /\s*"([^"]*)"\s*(AND|OR)?/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(search)) !== null) {
    consumed = re.lastIndex;
    const inner = m[1]!;
    const colon = inner.indexOf(':');
    if (colon <= 0) {
      throw graphErrors.badRequest(`Syntax error: '${inner}' is not a valid $search clause; use "property:term".`);
    }
    clauses.push({ property: inner.slice(0, colon), term: inner.slice(colon + 1) });
    if (m[2]) {
      operator = m[2] as 'AND' | 'OR';
    }
    if (re.lastIndex >= search.length) {
      break;
    }
  }
  if (clauses.length === 0 || search.slice(consumed).trim() !== '') {
    throw graphErrors.badRequest(`Syntax error: character '${search.slice(consumed).trim()[0] ?? search[0] ?? ''}' is not valid at position ${consumed} in '${search}'.`);
  }
  return { clauses, operator };
}

/**
 * Tokenized search as Graph does it on displayName and similar properties: every word of the term must be a prefix
 * of a word of the value (words split on spaces, punctuation and camel case).
 */
export function matchesSearch(query: SearchQuery, entity: Record<string, unknown>): boolean {
  const test = (c: SearchClause): boolean => {
    const raw = resolve([c.property], entity, {});
    const values = Array.isArray(raw) ? raw : [raw];
    const words = values
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => v.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/))
      .filter((w) => w !== '');
    const terms = c.term.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
    return terms.length > 0 && terms.every((t) => words.some((w) => w.startsWith(t)));
  };
  return query.operator === 'OR' ? query.clauses.some(test) : query.clauses.every(test);
}

// ---- $select, $orderby, paging ----

export function parseSelect(select: string | null): string[] | null {
  if (select === null || select.trim() === '') {
    return null;
  }
  return select.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function project(entity: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof entity['@odata.type'] === 'string') {
    out['@odata.type'] = entity['@odata.type'];
  }
  for (const f of fields) {
    const key = Object.keys(entity).find((k) => k.toLowerCase() === f.toLowerCase()) ?? f;
    out[key] = entity[key] ?? null;
  }
  return out;
}

export function orderBy(items: Record<string, unknown>[], spec: string | null): Record<string, unknown>[] {
  if (spec === null || spec.trim() === '') {
    return items;
  }
  const [prop, dir] = spec.trim().split(/\s+/);
  const sign = dir?.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = asText(a[prop!]).toLowerCase();
    const y = asText(b[prop!]).toLowerCase();
    return x < y ? -sign : x > y ? sign : 0;
  });
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64url');
}

export function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && parsed.o >= 0) {
      return parsed.o;
    }
  } catch {
    // fall through to the error Graph gives for a token it did not issue
  }
  throw graphErrors.badRequest('The specified page token value has expired and can no longer be included in your request.');
}
