// A push's journal writes, committed in groups (issue 19 §6). Every step is journalled before its
// remote write (`in_progress`) and after it (`succeeded`, `failed`, `unknown`), as R4 requires; what
// changes is only how many transactions that takes. The embedded database (PGlite) runs one
// statement at a time, so with a step's journal in transactions of its own the steps of a push queue
// behind each other's commits, and the push goes at the database's pace instead of Platform.sh's.
// Here a write waits for the transaction that carries it, and whatever other steps asked for
// meanwhile rides in the same transaction: one commit for a few steps.
//
// A caller is told its write committed only once it has (the promise resolves after COMMIT), so a
// step never reaches Platform.sh before its `in_progress` is durable. A group that fails is retried
// one write at a time, so one step's failure never becomes another's.
import { getDb, Prisma } from '@/lib/db';
import type { Variable } from '@/lib/platformsh';
import type { Transaction } from '../mutation';
import { recordVariableDeleted, recordVariablesWritten } from '../inventory/own-writes';
import { GroupCommit } from '../group-commit';
import { enqueueRedeployFollows } from './redeploys';

type Step = Prisma.PushStepGetPayload<object>;

export type JournalEntry =
  /** The step is about to write to Platform.sh. */
  | { kind: 'started'; step: Step }
  /** The step ended without success (`failed`, or `unknown` until a read settles it). */
  | { kind: 'ended'; step: Step; data: Prisma.PushStepUpdateInput & { status: 'failed' | 'unknown' } }
  /**
   * The step's write landed: the step, the redeploy to follow (issue 20 §2) and the inventory rows
   * it changed (issue 14.2) in one transaction. A move's old name is gone too by then.
   */
  | { kind: 'succeeded'; step: Step; data: { operation?: 'create' | 'update'; activityIds?: string[]; error?: string }; variable: Variable };

/** A push's journal: its steps' entries, committed in groups; a step about to write goes first. */
export class StepJournal {
  private readonly group = new GroupCommit<JournalEntry>(commitEntries, (entry) => entry.kind === 'started');

  /** Resolves once the entry has committed (with whatever other entries were waiting). */
  write(entry: JournalEntry): Promise<void> {
    return this.group.write(entry);
  }
}

async function commitEntries(entries: readonly JournalEntry[]): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const started = entries.filter((entry) => entry.kind === 'started').map((entry) => entry.step.id);
    if (started.length > 0) await tx.pushStep.updateMany({ where: { id: { in: started } }, data: { status: 'in_progress', attempts: { increment: 1 }, error: null } });
    for (const entry of entries) {
      if (entry.kind === 'ended') await tx.pushStep.updateMany({ where: { id: entry.step.id }, data: entry.data as Prisma.PushStepUpdateManyMutationInput });
    }
    const succeeded = entries.filter((entry) => entry.kind === 'succeeded');
    if (succeeded.length > 0) await recordSucceeded(tx, succeeded);
  });
}

async function recordSucceeded(tx: Transaction, entries: readonly Extract<JournalEntry, { kind: 'succeeded' }>[]): Promise<void> {
  for (const { step, data } of entries) {
    await tx.pushStep.updateMany({ where: { id: step.id }, data: { ...data, status: 'succeeded' } });
  }
  // The redeploys the writes started are followed in the background, from this commit on.
  await enqueueRedeployFollows(
    tx,
    entries.filter(({ data }) => (data.activityIds?.length ?? 0) > 0).map(({ step }) => step.id),
  );
  const byProject = new Map<string, { environmentId: string; variable: Variable }[]>();
  for (const { step, variable } of entries) byProject.set(step.projectId, [...(byProject.get(step.projectId) ?? []), { environmentId: step.environmentId, variable }]);
  for (const [projectId, writes] of byProject) await recordVariablesWritten(tx, projectId, writes);
  for (const { step } of entries) if (step.movedFrom) await recordVariableDeleted(tx, step.projectId, step.environmentId, step.movedFrom);
}
