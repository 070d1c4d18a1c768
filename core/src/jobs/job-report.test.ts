import { describe, expect, it } from 'vitest';
import { countBatch, diff, emptyReport, SAMPLE_SIZE } from './job-report.js';
import { EMPTY_PROGRESS } from './pool-job.repository.js';

describe('job report', () => {
  it('diffs attribute by attribute: email, status, each profile key, roles as sorted sets', () => {
    const before = { email: 'a@x.test', profile: { name: 'A', email_verified: true, gone: 1 }, status: 'DISABLED', roleIds: ['r1', 'r2'] };
    expect(diff(before, { email: 'b@x.test', profile: { name: 'B', email_verified: true }, status: 'ACTIVE', roleIds: ['r2', 'r1'] })).toEqual({
      email: { from: 'a@x.test', to: 'b@x.test' },
      status: { from: 'DISABLED', to: 'ACTIVE' },
      'profile.name': { from: 'A', to: 'B' },
      'profile.gone': { from: 1, to: null },
    });
    expect(diff(before, { ...before, roleIds: null })).toEqual({});
  });

  it('counts every outcome and keeps a bounded sample of each', () => {
    const progress = { ...EMPTY_PROGRESS };
    const report = emptyReport();
    const merged = Array.from({ length: SAMPLE_SIZE + 5 }, (_, i) => ({
      ord: i + 1,
      externalId: `e${i}`,
      email: `u${i}@x.test`,
      outcome: 'created' as const,
      before: null,
    }));
    countBatch(progress, report, [...merged, { ord: 1, externalId: 'c', email: 'c@x.test', outcome: 'conflict', before: null }], new Map());
    expect(progress).toMatchObject({ created: SAMPLE_SIZE + 5, conflicts: 1 });
    expect(report.created).toHaveLength(SAMPLE_SIZE);
    expect(report.conflicts).toEqual([expect.objectContaining({ externalId: 'c', email: 'c@x.test' })]);
  });
});
