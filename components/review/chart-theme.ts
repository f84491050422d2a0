// The charts' colours and shared Recharts settings. The palette's CSS variables: the dark theme
// redefines them (app/globals.css), so every chart follows it without a second palette.
import type { CSSProperties } from 'react';

export const CHART_GRID = 'var(--color-slate-200)';
export const CHART_TEXT = 'var(--color-slate-700)';
export const CHART_TICK = { fill: CHART_TEXT, fontSize: 12 } as const;

/** The tooltip as a card of the page's own colours (Recharts' default is white in both themes). */
export const CHART_TOOLTIP: { contentStyle: CSSProperties; labelStyle: CSSProperties; itemStyle: CSSProperties } = {
  contentStyle: { background: 'var(--color-white)', border: '1px solid var(--color-slate-200)', borderRadius: 6, fontSize: 12 },
  labelStyle: { color: 'var(--color-slate-900)', fontWeight: 600 },
  itemStyle: { padding: 0 },
};

export const SEVERITY_COLOUR = {
  critical: 'var(--color-red-700)',
  high: 'var(--color-red-400)',
  medium: 'var(--color-amber-400)',
  low: 'var(--color-sky-400)',
} as const;
