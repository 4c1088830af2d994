/**
 * A small subset of TaskRouter's expression language, enough to filter tasks by their
 * attributes: `a.b == "x"`, `!=`, `CONTAINS`, joined with AND / OR (AND binds tighter).
 * Anything else is refused loudly rather than matched wrongly.
 */
const CLAUSE = /^\s*([A-Za-z_][\w.]*)\s*(==|!=|CONTAINS)\s*(.+?)\s*$/i;

function literal(text: string): unknown {
  const t = text.trim();
  if (/^".*"$/.test(t) || /^'.*'$/.test(t)) return t.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  throw new Error(`unsupported value ${t}`);
}

function lookup(attributes: unknown, path: string): unknown {
  let value: any = attributes;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[key];
  }
  return value;
}

function clauseMatches(attributes: unknown, clause: string): boolean {
  const m = CLAUSE.exec(clause);
  if (!m) throw new Error(`unsupported expression "${clause}"`);
  const [, path, op, rawValue] = m;
  const actual = lookup(attributes, path);
  const expected = literal(rawValue);
  switch (op.toUpperCase()) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default:
      return Array.isArray(actual) ? actual.includes(expected) : typeof actual === 'string' && actual.includes(String(expected));
  }
}

/** A predicate over a task's attributes (a JSON string); throws on what it cannot read. */
export function compileTaskExpression(expression: string): (attributesJson: string) => boolean {
  const alternatives = expression.split(/\s+OR\s+/i).map((alt) => alt.split(/\s+AND\s+/i));
  // parse once, so a bad expression fails before any task is looked at
  for (const clauses of alternatives) for (const c of clauses) clauseMatches({}, c);
  return (attributesJson) => {
    let attributes: unknown;
    try {
      attributes = JSON.parse(attributesJson);
    } catch {
      return false;
    }
    return alternatives.some((clauses) => clauses.every((c) => clauseMatches(attributes, c)));
  };
}
