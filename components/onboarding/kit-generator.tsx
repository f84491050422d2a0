'use client';

import { useEffect, useId, useMemo, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { useIsHydrated } from '@/components/ui/needs-javascript';
import {
  buildHookSnippet,
  cronSnippet,
  cronSpecProblem,
  githubActionsSnippet,
  gitlabCiSnippet,
  OnboardingInputError,
  type CronTask,
  type Snippet,
} from '@/lib/onboarding';
import { KIT_OPTION_PARAMS, kitOptionsSearch, type KitForm, type KitOptions, type KitTaskKind } from '@/lib/onboarding/kit-options';
import { useVendor } from '@/components/vendor-context';
import { VENDOR_PROFILES } from '@/lib/vendor';
import { SnippetBlock } from './snippet-block';

const KIT_FORMS: { value: KitForm; label: string }[] = [
  { value: 'current', label: 'Current (Homebrew build hook, environment-type check)' },
  { value: 'older', label: 'Older (installer build hook, branch check)' },
  { value: 'upsun', label: 'Upsun (.upsun/config.yaml)' },
];

const TASKS: { value: KitTaskKind; label: string }[] = [
  { value: 'backup', label: 'Backup of production' },
  { value: 'source-operation', label: 'A named source operation' },
  { value: 'certificate-renewal', label: 'Certificate renewal (redeploy)' },
  { value: 'custom', label: 'Custom command' },
];

export interface KitProject {
  projectId: string;
  projectTitle: string;
  productionBranch: string;
  region: string | null;
}

interface Generated {
  snippets: { buildHook: Snippet; cron: Snippet; github: Snippet; gitlab: Snippet } | null;
  fieldErrors: Record<string, string[]>;
  message: string | null;
  /** Why the GitHub workflow has no schedule (an `H` in the spec, which only Platform.sh understands). */
  githubScheduleNote: string | null;
}

function generate(project: KitProject, form: KitForm, task: CronTask, spec: string, appName: string): Generated {
  const context = { projectId: project.projectId, projectTitle: project.projectTitle, productionBranch: project.productionBranch, vendor: form === 'upsun' ? 'upsun' : 'platformsh', ...(project.region ? { region: project.region } : {}) } as const;
  const snippetForm = form === 'older' ? 'older' : 'current';
  const trimmed = spec.trim();
  const githubScheduleNote = trimmed && cronSpecProblem(trimmed, false) && !cronSpecProblem(trimmed, true) ? 'The schedule uses H, which GitHub does not understand: the workflow runs on demand only.' : null;
  try {
    return {
      snippets: {
        buildHook: buildHookSnippet(context, { form: snippetForm, appName }),
        cron: cronSnippet(context, task, { form: snippetForm, appName, ...(trimmed ? { spec: trimmed } : {}) }),
        github: githubActionsSnippet(context, { task, ...(trimmed && !githubScheduleNote ? { schedule: trimmed } : {}) }),
        gitlab: gitlabCiSnippet(context, { task }),
      },
      fieldErrors: {},
      message: null,
      githubScheduleNote,
    };
  } catch (error) {
    // The generators refuse what they cannot write safely; the form shows why, field by field.
    if (error instanceof OnboardingInputError) return { snippets: null, fieldErrors: error.fieldErrors ?? {}, message: error.message, githubScheduleNote };
    throw error;
  }
}

/**
 * Chooses form, task and schedule; the snippets follow (generated from the project's values only).
 * A GET form whose fields are the page's search parameters: without JavaScript, "Update snippets"
 * asks the page for the snippets of the options chosen (rendered on the server from its URL).
 * Once hydrated, the snippets follow each change at once, the button goes, and the URL follows.
 */
export function KitGenerator({ project, initialOptions, defaults }: { project: KitProject; initialOptions: KitOptions; defaults: KitOptions }) {
  const formLegendId = useId();
  const vendor = useVendor();
  const isHydrated = useIsHydrated();
  const [form, setForm] = useState<KitForm>(initialOptions.form);
  const [taskKind, setTaskKind] = useState<KitTaskKind>(initialOptions.task);
  const [operation, setOperation] = useState(initialOptions.operation);
  const [command, setCommand] = useState(initialOptions.command);
  const [spec, setSpec] = useState(initialOptions.schedule);
  const [appName, setAppName] = useState(initialOptions.appName);

  const task: CronTask = useMemo(() => {
    switch (taskKind) {
      case 'source-operation':
        return { kind: 'source-operation', operation };
      case 'custom':
        return { kind: 'custom', command };
      default:
        return { kind: taskKind };
    }
  }, [taskKind, operation, command]);
  const generated = useMemo(() => generate(project, form, task, spec, appName), [project, form, task, spec, appName]);

  // The URL follows the options (a reload or a shared link shows the same snippets). replaceState:
  // one history entry per visit, not per keystroke; Next keeps its router in step with it.
  useEffect(() => {
    const search = kitOptionsSearch({ form, task: taskKind, operation, command, schedule: spec, appName }, defaults);
    if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
  }, [form, taskKind, operation, command, spec, appName, defaults]);
  const errorsFor = (field: string) => generated.fieldErrors[field];
  const formVendor = VENDOR_PROFILES[form === 'upsun' ? 'upsun' : 'platformsh'];
  const configFile = formVendor.configFile;
  const tokenVariable = formVendor.cliTokenEnv;

  return (
    <div className="space-y-6">
      <form
        method="get"
        action={`/projects/${project.projectId}/onboarding#snippet-options`}
        id="snippet-options"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2"
        aria-label="Snippet options"
        // Hydrated, the snippets already follow every change: Enter in a field sends nothing.
        onSubmit={(event) => event.preventDefault()}
      >
        <fieldset className="md:col-span-2" aria-labelledby={formLegendId}>
          <legend id={formLegendId} className="text-sm font-medium text-slate-900">
            Form
          </legend>
          <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
            {KIT_FORMS.map((option) => (
              <label key={option.value} className="flex items-center gap-2 text-sm text-slate-800">
                <input type="radio" name={KIT_OPTION_PARAMS.form} value={option.value} checked={form === option.value} onChange={() => setForm(option.value)} />
                {option.label}
              </label>
            ))}
          </div>
        </fieldset>
        <SelectField label="Task" name={KIT_OPTION_PARAMS.task} value={taskKind} onChange={(event) => setTaskKind(event.target.value as KitTaskKind)}>
          {TASKS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </SelectField>
        {taskKind === 'source-operation' ? (
          <TextField label="Source operation name" name={KIT_OPTION_PARAMS.operation} value={operation} onChange={(event) => setOperation(event.target.value)} errors={errorsFor('operation')} hint="As named under source.operations in the app configuration." />
        ) : null}
        {taskKind === 'custom' ? (
          <TextField
            label="Command"
            name={KIT_OPTION_PARAMS.command}
            value={command}
            onChange={(event) => setCommand(event.target.value)}
            errors={errorsFor('command')}
            placeholder="platform backup:create"
            spellCheck={false}
            hint="One CLI call gets --yes and --no-wait added where it takes them."
          />
        ) : null}
        <TextField
          label="Schedule (cron, UTC)"
          name={KIT_OPTION_PARAMS.schedule}
          value={spec}
          onChange={(event) => setSpec(event.target.value)}
          errors={errorsFor('spec')}
          placeholder={taskKind === 'custom' ? '30 2 * * *' : 'the task’s default'}
          spellCheck={false}
          hint={taskKind === 'custom' ? 'Required for a custom command.' : 'Leave empty for the default: backups 05:00, source operations 03:00, certificates on the 1st and 15th.'}
        />
        <TextField
          label="Application name"
          name={KIT_OPTION_PARAMS.appName}
          value={appName}
          onChange={(event) => setAppName(event.target.value)}
          errors={errorsFor('appName')}
          hint="The app’s name in the configuration (Upsun nests it under applications)."
        />
        {isHydrated ? null : (
          <div className="md:col-span-2">
            <Button type="submit" variant="secondary">
              Update snippets
            </Button>
          </div>
        )}
      </form>

      <p className="text-sm text-slate-700">
        For project <span className="font-mono">{project.projectId}</span>, production branch <span className="font-mono">{project.productionBranch}</span>
        {project.region ? (
          <>
            , region <span className="font-mono">{project.region}</span>
          </>
        ) : null}
        . Merge the build hook and the cron into {configFile}; the cron runs on production only and never waits for the activity it starts (--no-wait).
      </p>
      {formVendor.vendor !== vendor.vendor ? (
        <Alert tone="warning" title={`${formVendor.productName} reads another variable`}>
          The {formVendor.cliBinary} CLI reads {formVendor.cliTokenEnv}, while Keywarden pushes {vendor.tokenVariable} (KEYWARDEN_VENDOR is {vendor.vendor}). Set{' '}
          {formVendor.tokenVariable} on the environment as well (sensitive, not inheritable), or use the {vendor.productName} form.
        </Alert>
      ) : null}
      {form === 'older' ? (
        <Alert tone="info" title="The older form checks the branch name">
          It runs the cron on the {project.productionBranch} branch only. If that branch is ever renamed, the cron stops silently; the current form checks the environment type instead.
        </Alert>
      ) : null}

      {generated.snippets ? (
        <div className="space-y-4">
          <SnippetBlock title="Build hook" snippet={generated.snippets.buildHook} description={`Installs the CLI at build time. Merge into ${configFile}.`} />
          <SnippetBlock title="Cron" snippet={generated.snippets.cron} description={`Runs the task on production only, with --no-wait. Merge into ${configFile}.`} />
          <SnippetBlock title="GitHub Actions job" snippet={generated.snippets.github} description={`Save under .github/workflows/; the token is the repository secret ${tokenVariable}.`} />
          {generated.githubScheduleNote ? <Alert tone="info">{generated.githubScheduleNote}</Alert> : null}
          <SnippetBlock title="GitLab CI job" snippet={generated.snippets.gitlab} description="Add to .gitlab-ci.yml; the token is a masked CI/CD variable." />
        </div>
      ) : (
        <Alert tone="error" title="The snippets cannot be generated with these options">
          {generated.message} {Object.values(generated.fieldErrors).flat().join(' ')}
        </Alert>
      )}
    </div>
  );
}
