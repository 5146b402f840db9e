import { Kysely, PostgresDialect, sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { preparedInsert, preparedQuery, preparedRowGroups } from './prepared-query.js';
import type { KnowledgeDatabase } from './schema.js';
import { createSqliteDialect, openSqliteDatabase } from './sqlite-dialect.js';

// Compiling needs no connection: a SQLite dialect on an in-memory database,
// and a PostgreSQL dialect whose pool is never asked for a client.
const sqlite = new Kysely<KnowledgeDatabase>({
  dialect: createSqliteDialect(openSqliteDatabase({ dbPath: ':memory:' })),
});
const postgres = new Kysely<KnowledgeDatabase>({
  dialect: new PostgresDialect({
    pool: { connect: () => Promise.reject(new Error('not used')), end: async () => {} },
  }),
});

describe.each([
  ['sqlite', sqlite],
  ['postgres', postgres],
] as const)('prepared queries on %s', (_name, db) => {
  it('produce the SQL and parameters Kysely compiles for the same values, built once', () => {
    const build = vi.fn((v: Record<string, unknown>) =>
      db
        .selectFrom('incidents')
        .select(['incident_id'])
        .where('tenant', '=', v.tenant as string)
        .where('signature', '=', v.signature as string)
        .$if('exclude' in v, (q) => q.where('incident_id', '<>', v.exclude as string))
        .orderBy('received_at', 'desc')
        .limit(v.limit as number),
    );
    const find = preparedQuery('find', build);
    for (const values of [
      { tenant: 'acme', signature: 'sig-1', limit: 6 },
      { tenant: 'globex', signature: 'sig-2', limit: 3 },
      { tenant: 'acme', signature: 'sig-1', exclude: 'inc-9', limit: 6 },
      { tenant: 'initech', signature: 'sig-3', exclude: 'inc-1', limit: 1 },
    ]) {
      const prepared = find(values);
      const direct = build(values).compile();
      expect(prepared.sql).toBe(direct.sql);
      expect(prepared.parameters).toEqual(direct.parameters);
    }
    // Two key lists (with and without exclude), two compilations, plus the
    // four direct builds above.
    expect(build).toHaveBeenCalledTimes(2 + 4);
  });

  it('write literal values into the SQL, compiled once per value, and refuse a non-integer', () => {
    const build = vi.fn((v: Record<string, unknown>) =>
      db
        .selectFrom('incidents')
        .select(['incident_id'])
        .where('tenant', '=', v.tenant as string)
        .orderBy('received_at', 'desc')
        .limit(sql.lit(v.limit as number)),
    );
    const find = preparedQuery('find', build, { literals: ['limit'] });
    const six = find({ tenant: 'acme', limit: 6 });
    expect(six.sql).toMatch(/ limit 6$/);
    expect(six.parameters).toEqual(['acme']);
    expect(find({ tenant: 'globex', limit: 6 }).parameters).toEqual(['globex']);
    expect(find({ tenant: 'acme', limit: 2 }).sql).toMatch(/ limit 2$/);
    expect(build).toHaveBeenCalledTimes(2);
    for (const limit of [1.5, '6; drop table incidents', undefined]) {
      expect(() => find({ tenant: 'acme', limit })).toThrow(/limit must be an integer/);
    }
  });

  it('keep the constants a query holds and bind undefined as NULL', () => {
    const build = (v: Record<string, unknown>) =>
      db
        .insertInto('incidents')
        .values({
          incident_id: v.id as string,
          tenant: 't',
          received_at: v.at as string,
          category: 'oom',
          severity: 'high',
          signature: 's',
          occurrences: 1,
          result_json: '{}',
          resolution: v.resolution as string,
        })
        .onConflict((conflict) =>
          conflict
            .column('dedup_key')
            .doUpdateSet((eb) => ({ occurrences: eb('incidents.occurrences', '+', 1) }))
            .where('incidents.last_seen_at', '>', v.at as string),
        );
    const claim = preparedQuery('claim', build);
    const prepared = claim({ id: 'inc-1', at: '2026-11-27T05:00:00.000Z', resolution: undefined });
    const direct = build({
      id: 'inc-1',
      at: '2026-11-27T05:00:00.000Z',
      resolution: null,
    }).compile();
    expect(prepared.sql).toBe(direct.sql);
    expect(prepared.parameters).toEqual(direct.parameters);
    expect(prepared.parameters).toContain(1);
  });

  it('compile a multi-row insert once per row count, values row by row', () => {
    const build = vi.fn((rows: Record<string, unknown>[]) =>
      db.insertInto('audit_log').values(rows as never),
    );
    const insert = preparedInsert('audit', build);
    const row = (n: number) => ({
      at: `2026-11-27T05:00:0${n}.000Z`,
      actor: `key-${n}`,
      tenant: 'acme',
      event: 'action.planned',
      subject: `act-${n}`,
      decision: n % 2 === 0 ? 'allow' : null,
      reasons_json: '[]',
      result: undefined,
    });
    for (const rows of [[row(1), row(2), row(3)], [row(4), row(5), row(6)], [row(7)]]) {
      const prepared = insert(rows);
      const direct = db
        .insertInto('audit_log')
        .values(rows.map((r) => ({ ...r, result: null })))
        .compile();
      expect(prepared.sql).toBe(direct.sql);
      expect(prepared.parameters).toEqual(direct.parameters);
    }
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('compile a statement over groups of rows once per shape, bound by position', () => {
    type Row = Record<string, unknown>;
    // Two inserts in WITH clauses and an update, as a plan is saved on PostgreSQL.
    const statement = (actions: Row[], audit: Row[], values: Row) =>
      db
        .with('a', (q) => q.insertInto('plugin_votes').values(actions as never))
        .with('b', (q) => q.insertInto('audit_log').values(audit as never))
        .updateTable('incidents')
        .set({ result_json: values.result_json as string })
        .where('incident_id', '=', values.incident_id as string);
    const build = vi.fn((groups: Row[][], values: Row) =>
      statement(groups[0] ?? [], groups[1] ?? [], values),
    );
    const prepared = preparedRowGroups('plan', build);
    const vote = (n: number) => ({ plugin: `p-${n}`, category: 'oom', up: n, down: undefined });
    const entry = (n: number) => ({
      at: `t-${n}`,
      actor: `key-${n}`,
      event: 'e',
      subject: `s-${n}`,
    });
    for (const [votes, entries, id] of [
      [[vote(1), vote(2)], [entry(1)], 'inc-1'],
      [[vote(3), vote(4)], [entry(2)], 'inc-2'],
      [[vote(5)], [entry(3), entry(4)], 'inc-3'],
    ] as const) {
      const values = { result_json: `{"id":"${id}"}`, incident_id: id };
      const compiled = prepared([votes, entries], values);
      const direct = statement(
        votes.map((v) => ({ ...v, down: null })),
        [...entries],
        values,
      ).compile();
      expect(compiled.sql).toBe(direct.sql);
      expect(compiled.parameters).toEqual(direct.parameters);
    }
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('refuse rows that do not share a column list, no rows, and inlined values', () => {
    const insert = preparedInsert('audit', (rows) =>
      db.insertInto('audit_log').values(rows as never),
    );
    expect(() => insert([])).toThrow(/no rows/);
    expect(() =>
      insert([
        { at: 'a', actor: 'b', event: 'c' },
        { actor: 'b', at: 'a', event: 'c' },
      ]),
    ).toThrow(/one column list/);
    const inlined = preparedQuery('inlined', (v) =>
      db
        .selectFrom('incidents')
        .select('incident_id')
        .where('tenant', '=', sql.lit(v.tenant as string)),
    );
    expect(() => inlined({ tenant: 'acme' })).toThrow(/written into the SQL text/);
  });
});
