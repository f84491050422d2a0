import { describe, expect, it } from 'vitest';
import { labelOf } from './evidence';

describe('labelOf: an evidence key in words', () => {
  it('splits camel case into a sentence', () => {
    expect(labelOf('daysOverdue', 'Platform.sh')).toBe('Days overdue');
  });

  it('names the product as people write it, not as the key spells it', () => {
    expect(labelOf('changedOnPlatformshAt', 'Platform.sh')).toBe('Changed on Platform.sh at');
    expect(labelOf('platformshTokenId', 'Platform.sh')).toBe('Platform.sh token id');
    expect(labelOf('platformshUserId', 'Platform.sh')).toBe('Platform.sh user id');
  });

  it('names the organisation’s product: Upsun for an Upsun organisation', () => {
    expect(labelOf('changedOnPlatformshAt', 'Upsun')).toBe('Changed on Upsun at');
    expect(labelOf('platformshUserId', 'Upsun')).toBe('Upsun user id');
  });
});
