import { type Compilable, CompiledQuery } from 'kysely';

// Building a Kysely query (an immutable tree, frozen node by node) and
// compiling it (a visit of that tree) cost more than running the statement on
// SQLite; process_log paid it for every insert, update and lookup. A prepared
// query is built and compiled by Kysely once, with placeholders where the
// values go; each call then only puts values in the places Kysely gave them.

const MARK = '\u0000devops-agent-placeholder:';

// Shapes per query: one or a few key lists, a few row counts (a plan's
// actions, its audit entries); a bound keeps an odd caller from growing it.
const MAX_SHAPES = 32;

/**
 * A compiled statement: each parameter is a named slot (a placeholder's
 * name) or a constant the query itself holds (`occurrences + 1`).
 */
interface Shape {
  readonly sql: string;
  readonly slots: readonly (string | { readonly constant: unknown })[];
}

function compileShape(query: Compilable<unknown>, label: string): Shape {
  const compiled = query.compile();
  if (compiled.sql.includes(MARK)) {
    throw new Error(`prepared query ${label}: a value was written into the SQL text`);
  }
  const slots = compiled.parameters.map((parameter) =>
    typeof parameter === 'string' && parameter.startsWith(MARK)
      ? parameter.slice(MARK.length)
      : { constant: parameter },
  );
  return { sql: compiled.sql, slots };
}

function bind(shape: Shape, lookup: (name: string) => unknown): CompiledQuery {
  return CompiledQuery.raw(
    shape.sql,
    shape.slots.map((slot) => (typeof slot === 'string' ? (lookup(slot) ?? null) : slot.constant)),
  );
}

/**
 * A query whose values are given by name: `build` receives a placeholder for
 * each key of the values and must pass every value through one
 * (`where('tenant', '=', values.tenant)`, or `values(row)` for a row of
 * placeholders). Compiled once per key list. An undefined value is bound as
 * NULL, so leave out, rather than set undefined, a column whose default is
 * not NULL.
 *
 * `literals` names values that `build` receives as themselves, to write into
 * the SQL (`limit(sql.lit(values.limit))`), compiled once per distinct value;
 * they must be integers. Why: SQLite runs `ORDER BY ... LIMIT ?` several
 * times slower than the same query with the number in its text (about 10
 * against 2.5 microseconds for recall's lookup), even when an index gives
 * the order.
 */
export function preparedQuery(
  label: string,
  // biome-ignore lint/suspicious/noExplicitAny: placeholders stand in for values of any column type
  build: (values: Record<string, any>) => Compilable<unknown>,
  options: { literals?: readonly string[] } = {},
): (values: Readonly<Record<string, unknown>>) => CompiledQuery {
  const literals = new Set(options.literals ?? []);
  const shapes = new Map<string, Shape>();
  return (values) => {
    const names = Object.keys(values);
    let key = names.join(',');
    for (const name of literals) {
      const value = values[name];
      if (!Number.isSafeInteger(value)) {
        throw new Error(`prepared query ${label}: ${name} must be an integer, got ${value}`);
      }
      key += `|${name}=${value}`;
    }
    let shape = shapes.get(key);
    if (shape === undefined) {
      shape = compileShape(
        build(
          Object.fromEntries(
            names.map((name) => [name, literals.has(name) ? values[name] : MARK + name]),
          ),
        ),
        label,
      );
      if (shapes.size < MAX_SHAPES) shapes.set(key, shape);
    }
    return bind(shape, (name) => values[name]);
  };
}

/** Where a prepared statement's parameter comes from. */
type GroupSlot =
  | { readonly group: number; readonly row: number; readonly column: string }
  | { readonly value: string }
  | { readonly constant: unknown };

/**
 * A statement over groups of rows (a plan's actions, its audit entries) and a
 * few named values, compiled once per row count and column list of each
 * group and per value names. `build` gets placeholder rows for each group and
 * a placeholder for each value; each call binds the given rows and values by
 * position, with no names built per row (rows flattened into an object of
 * named values for preparedQuery cost a good part of what compiling once
 * saved). Every row of a group must have the
 * same keys in the same order; every key is written, an undefined value as
 * NULL (so leave out, rather than set undefined, a column whose default is
 * not NULL).
 */
export function preparedRowGroups(
  label: string,
  build: (
    // biome-ignore lint/suspicious/noExplicitAny: placeholder rows stand in for rows of any table
    groups: Record<string, any>[][],
    // biome-ignore lint/suspicious/noExplicitAny: placeholders stand in for values of any column type
    values: Record<string, any>,
  ) => Compilable<unknown>,
): (
  groups: readonly (readonly Record<string, unknown>[])[],
  values?: Readonly<Record<string, unknown>>,
) => CompiledQuery {
  const shapes = new Map<string, { sql: string; slots: readonly GroupSlot[] }>();
  return (groups, values = {}) => {
    const columnLists = groups.map((rows) => {
      const columns = rows.length === 0 ? [] : Object.keys(rows[0] as object);
      for (const row of rows) {
        const keys = Object.keys(row);
        if (keys.length !== columns.length || keys.some((key, i) => key !== columns[i])) {
          throw new Error(`prepared statement ${label}: rows do not share one column list`);
        }
      }
      return columns;
    });
    const names = Object.keys(values);
    const key = `${groups.map((rows, g) => `${rows.length}:${columnLists[g]?.join(',')}`).join('|')}|${names.join(',')}`;
    let shape = shapes.get(key);
    if (shape === undefined) {
      const placeholders = groups.map((rows, g) =>
        rows.map((_, i) =>
          Object.fromEntries(
            (columnLists[g] ?? []).map((column) => [column, `${MARK}${g}:${i}:${column}`]),
          ),
        ),
      );
      const compiled = compileShape(
        build(placeholders, Object.fromEntries(names.map((name) => [name, `${MARK}=${name}`]))),
        label,
      );
      const slots = compiled.slots.map((slot): GroupSlot => {
        if (typeof slot !== 'string') return slot;
        if (slot.startsWith('=')) return { value: slot.slice(1) };
        const [group, row, column] = splitSlot(slot);
        return { group, row, column };
      });
      shape = { sql: compiled.sql, slots };
      if (shapes.size < MAX_SHAPES) shapes.set(key, shape);
    }
    const parameters = shape.slots.map((slot) => {
      if ('constant' in slot) return slot.constant;
      if ('value' in slot) return values[slot.value] ?? null;
      return groups[slot.group]?.[slot.row]?.[slot.column] ?? null;
    });
    return CompiledQuery.raw(shape.sql, parameters);
  };
}

/** `<group>:<row>:<column>` back into its parts. */
function splitSlot(slot: string): [number, number, string] {
  const first = slot.indexOf(':');
  const second = slot.indexOf(':', first + 1);
  return [
    Number(slot.slice(0, first)),
    Number(slot.slice(first + 1, second)),
    slot.slice(second + 1),
  ];
}

/**
 * A multi-row INSERT compiled once per column list and row count. `build`
 * gets placeholder rows (`db.insertInto(table).values(rows)`). Every row must
 * have the same keys in the same order; every key is written, an undefined
 * value as NULL (so leave out, rather than set undefined, a column whose
 * default is not NULL).
 */
export function preparedInsert(
  label: string,
  // biome-ignore lint/suspicious/noExplicitAny: placeholder rows stand in for rows of any table
  build: (rows: Record<string, any>[]) => Compilable<unknown>,
): (rows: readonly Record<string, unknown>[]) => CompiledQuery {
  const prepared = preparedRowGroups(label, ([rows]) => build(rows ?? []));
  return (rows) => {
    if (rows.length === 0) throw new Error(`prepared insert ${label}: no rows`);
    return prepared([rows]);
  };
}
