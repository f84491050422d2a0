'use client';

import { useId, useState } from 'react';
import { TextField } from '@/components/ui/field';

export interface AssignableProject {
  id: string;
  title: string;
}

interface ProjectChecklistProps {
  legend: string;
  projects: readonly AssignableProject[];
  selectedIds: ReadonlySet<string>;
  onChange: (selectedIds: Set<string>) => void;
  hint?: string;
  errors?: string[];
  disabled?: boolean;
}

/** Above this many projects a filter box appears, so that a long inventory stays usable. */
const FILTER_THRESHOLD = 8;

/** Checkboxes for the projects an onboarder may act on. Selection lives in state, so filtering never drops a ticked project. */
export function ProjectChecklist({ legend, projects, selectedIds, onChange, hint, errors, disabled }: ProjectChecklistProps) {
  const id = useId();
  const [filter, setFilter] = useState('');
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const needle = filter.trim().toLowerCase();
  const visibleProjects = needle
    ? projects.filter((project) => project.title.toLowerCase().includes(needle) || project.id.includes(needle))
    : projects;

  function toggle(projectId: string, isChecked: boolean) {
    const next = new Set(selectedIds);
    if (isChecked) next.add(projectId);
    else next.delete(projectId);
    onChange(next);
  }

  if (projects.length === 0) {
    return (
      <div className="space-y-1">
        <p className="text-sm font-medium text-slate-900">{legend}</p>
        <p className="text-sm text-slate-700">
          Keywarden knows no projects yet. Once the project inventory is synced, you can assign projects with the Projects button
          in the users table.
        </p>
      </div>
    );
  }

  return (
    <fieldset className="space-y-2" aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined} disabled={disabled}>
      <legend className="text-sm font-medium text-slate-900">{legend}</legend>
      {hint ? (
        <p id={hintId} className="text-xs text-slate-700">
          {hint}
        </p>
      ) : null}
      {projects.length > FILTER_THRESHOLD ? (
        <TextField label="Filter projects" type="search" value={filter} onChange={(event) => setFilter(event.target.value)} autoComplete="off" />
      ) : null}
      <ul className="max-h-60 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
        {visibleProjects.map((project) => (
          <li key={project.id}>
            <label className="flex cursor-pointer items-baseline gap-2 rounded px-1 py-1 text-sm text-slate-900 hover:bg-slate-50">
              <input
                type="checkbox"
                className="size-4 accent-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
                checked={selectedIds.has(project.id)}
                onChange={(event) => toggle(project.id, event.target.checked)}
              />
              <span>{project.title}</span>
              <span className="font-mono text-xs text-slate-700">{project.id}</span>
            </label>
          </li>
        ))}
        {visibleProjects.length === 0 ? <li className="px-1 py-1 text-sm text-slate-700">No project matches “{filter}”.</li> : null}
      </ul>
      <p className="text-xs text-slate-700">
        {selectedIds.size} of {projects.length} selected
      </p>
      {errorId ? (
        <p id={errorId} className="text-sm text-red-700">
          {errors?.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}
