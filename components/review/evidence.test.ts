import { describe, expect, it } from 'vitest';
import { labelOf } from './evidence';

describe('labelOf: an evidence key in words', () => {
  it('splits camel case into a sentence', () => {
    expect(labelOf('daysOverdue')).toBe('Days overdue');
  });

  it('names the product as people write it, not as the key spells it', () => {
    expect(labelOf('changedOnPlatformshAt')).toBe('Changed on Platform.sh at');
    expect(labelOf('platformshTokenId')).toBe('Platform.sh token id');
    expect(labelOf('platformshUserId')).toBe('Platform.sh user id');
  });
});
