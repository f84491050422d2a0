import { Alert } from '@/components/ui/alert';
import type { PushRunView, TokenRecordView } from '@/lib/domain/tokens/queries';
import { formatDateTime } from '@/lib/utils';
import { LastPush, PushSteps, RunningPush } from './push-progress';
import { isRevocationRun } from './run-kind';
import type { MintingSetting } from './minting-choice';
import { RecordTokenPanel, ResumePushForm, type PushTarget } from './record-token-panel';
import { TokenControls } from './token-actions';
import { TokensTable } from './tokens-table';

/** The Tokens section of a machine user's page: records, the last pushes, and recording a new token. */
export function MachineUserTokens({
  machineUserId,
  tokens,
  runs,
  canRecord,
  recordable,
  environments,
  defaultTypes,
  consoleUrl,
  defaultRotateBy,
  minRotateBy,
  minting,
}: {
  machineUserId: string;
  /** Whether pushed tokens are minted from the pasted one (issue 18.2). */
  minting: MintingSetting;
  defaultRotateBy: string;
  minRotateBy: string;
  tokens: TokenRecordView[];
  runs: PushRunView[];
  canRecord: boolean;
  /** Why a token cannot be recorded yet (e.g. the invitation is not accepted). */
  recordable: { ok: true } | { ok: false; reason: string };
  environments: PushTarget[];
  defaultTypes: readonly string[];
  consoleUrl?: string;
}) {
  // A minted push finished by a later one (its token superseded) has nothing left to resume; nor has a
  // revocation (retried from its token's compromise control): its steps show as the last run's.
  const unfinished = runs.find((run) => (run.status === 'partial' || run.status === 'failed') && !(run.minted && run.tokenStatus !== 'active') && !isRevocationRun(run));
  const running = runs.find((run) => run.status === 'running');
  const last = runs[0];
  return (
    <div className="space-y-4">
      {tokens.length === 0 ? <p>No API token is recorded for this machine user yet.</p> : <TokensTable tokens={tokens} showMachineUser={false} caption="Token records of this machine user" />}
      {running ? <RunningPush run={running} /> : null}
      {last && last !== running ? (
        // Stays after the page refreshes, when a finished resume form has gone with its message; its
        // redeploys are followed here (the unfinished push below shows its own steps).
        <LastPush run={last} showSteps={last !== unfinished} />
      ) : null}
      {canRecord ? <TokenControls tokens={tokens} consoleUrl={consoleUrl} productionEnvironments={environments.filter((environment) => environment.type === 'production').map((environment) => environment.id)} minting={minting} /> : null}
      {unfinished ? (
        <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3">
          <p className="text-sm font-semibold text-amber-950">
            The push of …{unfinished.tokenLastFour} started {formatDateTime(unfinished.startedAt)} is {unfinished.status}: some environments do not have the token.
          </p>
          <PushSteps run={unfinished} caption="Environments of the unfinished push" />
          {canRecord ? <ResumePushForm runId={unfinished.id} lastFour={unfinished.tokenLastFour} minted={unfinished.minted} /> : null}
        </div>
      ) : null}
      {canRecord ? (
        recordable.ok ? (
          <section aria-labelledby="record-token" className="rounded-md border border-slate-200 p-3">
            <h3 id="record-token" className="text-sm font-semibold text-slate-900">
              {tokens.length === 0 ? 'Record its token and push it' : 'Record another token and push it'}
            </h3>
            <div className="mt-3">
              <RecordTokenPanel machineUserId={machineUserId} environments={environments} defaultTypes={defaultTypes} defaultRotateBy={defaultRotateBy} minRotateBy={minRotateBy} consoleUrl={consoleUrl} minting={minting} />
            </div>
          </section>
        ) : (
          <Alert tone="info">{recordable.reason}</Alert>
        )
      ) : null}
    </div>
  );
}
