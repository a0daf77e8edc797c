import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FINAL, nextStages, type Party, pathTo, refusal, type Stage, TASK_STATUS } from './lifecycle.ts';

const stages = Object.keys(TASK_STATUS) as Stage[];
const parties: Party[] = ['referrer', 'receiver', 'system'];

describe('the referral lifecycle', () => {
  test.each([
    ['sent', 'accepted', 'receiver'],
    ['sent', 'received', 'receiver'],
    ['received', 'declined', 'receiver'],
    ['accepted', 'scheduled', 'referrer'],
    ['scheduled', 'seen', 'receiver'],
    ['seen', 'report-received', 'receiver'],
    ['report-received', 'closed', 'referrer'],
    ['sent', 'withdrawn', 'system'],
    ['received', 'expired', 'system'],
    ['scheduled', 'cancelled', 'referrer'],
  ] as const)('%s → %s by the %s', (from, to, by) => {
    expect(refusal(from, to, by)).toBeUndefined();
  });

  test.each([
    ['draft', 'accepted', 'receiver', 'A referral that is draft cannot become accepted'],
    ['sent', 'scheduled', 'referrer', 'A referral that is sent cannot become scheduled'],
    ['sent', 'accepted', 'referrer', 'Only the receiver can make a sent referral accepted'],
    ['report-received', 'closed', 'receiver', 'Only the referrer can make a report-received referral closed'],
    ['closed', 'cancelled', 'referrer', 'A referral that is closed cannot become cancelled'],
    ['declined', 'accepted', 'receiver', 'A referral that is declined cannot become accepted'],
  ] as const)('%s → %s by the %s is refused', (from, to, by, why) => {
    expect(refusal(from, to, by)).toBe(why);
  });

  test('final stages go nowhere; every other stage can be cancelled or withdrawn by someone; no stage skips to closed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...stages),
        fc.constantFrom(...stages),
        fc.constantFrom(...parties),
        (from, to, by) => {
          if (FINAL.has(from)) expect(refusal(from, to, by)).toBeDefined();
          if (to === 'closed' && from !== 'report-received') expect(refusal(from, to, by)).toBeDefined();
        },
      ),
    );
    for (const s of stages.filter((x) => !FINAL.has(x) && x !== 'report-received'))
      expect(nextStages(s, 'referrer').some((n) => n === 'cancelled' || n === 'withdrawn')).toBe(true);
  });
});

describe('pathTo: a receiver that moved several stages between two reads', () => {
  test.each([
    ['sent', 'scheduled', ['accepted', 'scheduled']],
    ['sent', 'report-received', ['accepted', 'report-received']],
    ['received', 'seen', ['accepted', 'seen']],
    ['accepted', 'accepted', []],
    ['sent', 'declined', ['declined']],
  ] as const)('%s → %s', (from, to, path) => {
    expect(pathTo(from, to, 'receiver')).toEqual(path);
  });
  test('none where the receiver cannot go', () => {
    expect(pathTo('declined', 'accepted', 'receiver')).toBeUndefined();
    expect(pathTo('report-received', 'closed', 'receiver')).toBeUndefined();
  });
});
