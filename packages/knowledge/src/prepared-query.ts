import { type Compilable, CompiledQuery } from 'kysely';

// Building a Kysely query (an immutable tree, frozen node by node) and
// compiling it (a visit of that tree) cost more than running the statement on
// SQLite; process_log paid it for every insert, update and lookup. A prepared
// statement is built and compiled by Kysely once, with placeholders where the
// values go; each call then only puts values in the places Kysely gave them.

const MARK = '\u0000devops-agent-placeholder:';

// Shapes per statement: one or a few key lists, a few row counts (a plan's
// actions, its audit entries); a bound keeps an odd caller from growing it.
const MAX_SHAPES = 32;

/** Where a compiled statement's parameter comes from. */
type Slot =
  | { readonly group: number; readonly row: number; readonly column: string }
  | { readonly value: string }
  /** A value the statement itself holds (`occurrences + 1`). */
  | { readonly constant: unknown };

interface Shape {
  readonly sql: string;
  readonly slots: readonly Slot[];
}

function compileShape(query: Compilable<unknown>, label: string): Shape {
  const compiled = query.compile();
  if (compiled.sql.includes(MARK)) {
    throw new Error(`prepared query ${label}: a value was written into the SQL text`);
  }
  const slots = compiled.parameters.map((parameter): Slot => {
    if (typeof parameter !== 'string' || !parameter.startsWith(MARK)) {
      return { constant: parameter };
    }
    const place = parameter.slice(MARK.length);
    if (place.startsWith('=')) return { value: place.slice(1) };
    // `<group>:<row>:<column>`
    const first = place.indexOf(':');
    const second = place.indexOf(':', first + 1);
    return {
      group: Number(place.slice(0, first)),
      row: Number(place.slice(first + 1, second)),
      column: place.slice(second + 1),
    };
  });
  return { sql: compiled.sql, slots };
}

/**
 * A statement over groups of rows (a plan's actions, its audit entries) and
 * named values, compiled once per row count and column list of each group and
 * per value names. `build` gets placeholder rows for each group and a
 * placeholder for each value, and must pass every value through one
 * (`where('tenant', '=', values.tenant)`, `values(rows)`); each call binds
 * the given rows and values by position, with no names built per row (rows
 * flattened into named values cost a good part of what compiling once saved).
 * Every row of a group must have the same keys in the same order; every key
 * is written. An undefined value is bound as NULL, so leave out, rather than
 * set undefined, a column whose default is not NULL.
 *
 * `literals` names values that `build` receives as themselves, to write into
 * the SQL (`limit(sql.lit(values.limit))`), compiled once per distinct value;
 * they must be integers. Why: SQLite runs `ORDER BY ... LIMIT ?` several
 * times slower than the same query with the number in its text (about 10
 * against 2.5 microseconds for recall's lookup), even when an index gives
 * the order.
 */
export function preparedRowGroups(
  label: string,
  build: (
    // biome-ignore lint/suspicious/noExplicitAny: placeholder rows stand in for rows of any table
    groups: Record<string, any>[][],
    // biome-ignore lint/suspicious/noExplicitAny: placeholders stand in for values of any column type
    values: Record<string, any>,
  ) => Compilable<unknown>,
  options: { literals?: readonly string[] } = {},
): (
  groups: readonly (readonly Record<string, unknown>[])[],
  values?: Readonly<Record<string, unknown>>,
) => CompiledQuery {
  const literals = new Set(options.literals ?? []);
  const shapes = new Map<string, Shape>();
  return (groups, values = {}) => {
    const names = Object.keys(values);
    let key = names.join(',');
    for (const name of literals) {
      const value = values[name];
      if (!Number.isSafeInteger(value)) {
        throw new Error(`prepared query ${label}: ${name} must be an integer, got ${value}`);
      }
      key += `|${name}=${value}`;
    }
    const columnLists: string[][] = [];
    for (const rows of groups) {
      const columns = rows.length === 0 ? [] : Object.keys(rows[0] as object);
      for (const row of rows) {
        const keys = Object.keys(row);
        if (keys.length !== columns.length || keys.some((name, i) => name !== columns[i])) {
          throw new Error(`prepared query ${label}: rows do not share one column list`);
        }
      }
      columnLists.push(columns);
      key += `|${rows.length}:${columns.join(',')}`;
    }
    let shape = shapes.get(key);
    if (shape === undefined) {
      const rowPlaceholders = groups.map((rows, g) =>
        rows.map((_, i) =>
          Object.fromEntries(
            (columnLists[g] ?? []).map((column) => [column, `${MARK}${g}:${i}:${column}`]),
          ),
        ),
      );
      const valuePlaceholders = Object.fromEntries(
        names.map((name) => [name, literals.has(name) ? values[name] : `${MARK}=${name}`]),
      );
      shape = compileShape(build(rowPlaceholders, valuePlaceholders), label);
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

/**
 * A statement whose values are given by name (`preparedRowGroups` with no
 * rows): compiled once per key list, and per value of each of `literals`.
 */
export function preparedQuery(
  label: string,
  // biome-ignore lint/suspicious/noExplicitAny: placeholders stand in for values of any column type
  build: (values: Record<string, any>) => Compilable<unknown>,
  options: { literals?: readonly string[] } = {},
): (values: Readonly<Record<string, unknown>>) => CompiledQuery {
  const prepared = preparedRowGroups(label, (_rows, values) => build(values), options);
  return (values) => prepared(NO_ROWS, values);
}

const NO_ROWS: readonly (readonly Record<string, unknown>[])[] = [];

/**
 * A multi-row INSERT (`db.insertInto(table).values(rows)`, `preparedRowGroups`
 * with one group), compiled once per column list and row count.
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
