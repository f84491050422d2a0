'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { AssignableProject } from './project-checklist';

const AssignableProjectsContext = createContext<readonly AssignableProject[]>([]);

/** Sends the project list to the browser once for the whole table, not once per row. */
export function AssignableProjectsProvider({ projects, children }: { projects: readonly AssignableProject[]; children: ReactNode }) {
  return <AssignableProjectsContext value={projects}>{children}</AssignableProjectsContext>;
}

export function useAssignableProjects(): readonly AssignableProject[] {
  return useContext(AssignableProjectsContext);
}
