import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('commits the writes that arrive together in one group, and each caller only once it committed', async () => {
    const groups: string[][] = [];
    const group = new GroupCommit<string>(async (items) => {
      groups.push([...items]);
    });
    let settled = 0;
    const writes = ['a', 'b', 'c'].map((item) => group.write(item).then(() => (settled += 1)));
    expect(settled).toBe(0);
    await Promise.all(writes);
    expect(groups).toEqual([['a', 'b', 'c']]);
    await group.write('d');
    expect(groups).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('writes arriving while a commit runs go into the next one', async () => {
    const groups: string[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupCommit<string>(async (items) => {
      groups.push([...items]);
      if (items.includes('first')) await held;
    });
    const first = group.write('first');
    await new Promise((resolve) => setImmediate(resolve));
    const later = [group.write('x'), group.write('y')];
    release();
    await Promise.all([first, ...later]);
    expect(groups).toEqual([['first'], ['x', 'y']]);
  });

  it('tells only the write at fault when a group fails, committing the others one at a time', async () => {
    const committed: string[] = [];
    const group = new GroupCommit<string>(async (items) => {
      if (items.includes('bad')) throw new Error(`refused ${items.join(',')}`);
      committed.push(...items);
    });
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((item) => group.write(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused bad'));
    expect(committed).toEqual(['a', 'c']);
  });

  it('commits the urgent writes first, alone, when others wait beside them', async () => {
    const groups: string[][] = [];
    const group = new GroupCommit<string>(
      async (items) => {
        groups.push([...items]);
      },
      (item) => item.startsWith('!'),
    );
    await Promise.all(['done-1', '!start-2', 'done-3', '!start-4'].map((item) => group.write(item)));
    expect(groups).toEqual([['!start-2', '!start-4'], ['done-1', 'done-3']]);
  });
});
