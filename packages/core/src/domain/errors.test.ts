import { describe, expect, it } from 'vitest';
import { describeError, StoreUnavailableError } from './errors.js';

describe('describeError', () => {
  it('follows the causes, so an operator reads what the database said', () => {
    const driver = Object.assign(new Error('database "nosuchdb" does not exist'), {
      code: '3D000',
    });
    const error = new StoreUnavailableError(
      'knowledge store: migrate PostgreSQL 127.0.0.1:5432/nosuchdb: store unavailable (3D000)',
      { cause: driver },
    );
    expect(describeError(error)).toBe(
      'knowledge store: migrate PostgreSQL 127.0.0.1:5432/nosuchdb: store unavailable (3D000): database "nosuchdb" does not exist',
    );
  });

  it('leaves out a cause the message already says, and stops on a cycle', () => {
    const inner = new Error('connect ECONNREFUSED 127.0.0.1:5999');
    const outer = new Error('cannot open: connect ECONNREFUSED 127.0.0.1:5999', { cause: inner });
    expect(describeError(outer)).toBe('cannot open: connect ECONNREFUSED 127.0.0.1:5999');
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeError(b)).toBe('b: a');
  });

  it("names each address of a host name that all refused, from the AggregateError's members", () => {
    const refused = new AggregateError(
      [
        new Error('connect ECONNREFUSED ::1:5432'),
        new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      ],
      '',
    );
    expect(describeError(new Error('store unavailable (ECONNREFUSED)', { cause: refused }))).toBe(
      'store unavailable (ECONNREFUSED): connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
  });

  it('says what a thrown non-Error is', () => {
    expect(describeError('boom')).toBe('boom');
    expect(describeError(new Error('outer', { cause: 42 }))).toBe('outer: 42');
  });
});
