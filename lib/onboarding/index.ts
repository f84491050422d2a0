// The onboarding kit: snippets a person copies into a project, and a linter for the app
// configuration they paste back. Pure logic: no database, no network, safe for any layer.
export {
  addUserCommandSnippet,
  buildHookSnippet,
  cronSnippet,
  githubActionsSnippet,
  gitlabCiSnippet,
  setTokenVariableSnippet,
  type AddUserInput,
  type AppConfigOptions,
  type CiOptions,
  type CiTask,
  type CronOptions,
  type CronTask,
  type Snippet,
  type TokenVariableInput,
} from './snippets';
export { lintAppConfig, lintCronScript, type LintCode, type LintFinding, type LintSeverity } from './lint';
export {
  cronSpecProblem,
  OnboardingInputError,
  SNIPPET_FORMS,
  VENDORS,
  type ProjectContext,
  type SnippetForm,
  type Vendor,
} from './schemas';
export { shellQuote } from './shell';
export {
  CHECKLIST_STEPS,
  evaluateChecklist,
  NEXT_ACTIONS,
  progressOf,
  projectChecklist,
  STEP_LABELS,
  stepsDone,
  type Checklist,
  type ChecklistStep,
  type ChecklistStepKey,
  type ConfigConfirmation,
  type MachineUserFacts,
  type TokenFacts,
} from './checklist';
