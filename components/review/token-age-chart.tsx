'use client';
// Token age against the policy, drawn with Recharts: the active tokens per age bucket, each bar split
// into those within the policy's maximum age and those older than it. The same numbers are in the
// table beside it (TokenAgeDistribution), which is what assistive technology reads — so the SVG is
// one image with a summary for a name, and Recharts' own keyboard layer is off.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_GRID, CHART_TEXT, CHART_TICK, CHART_TOOLTIP } from './chart-theme';

export interface TokenAgeBar {
  /** A short label for the axis, e.g. "90–180". */
  label: string;
  withinPolicy: number;
  overPolicy: number;
}

const WITHIN = 'var(--color-indigo-600)';
const OVER = 'var(--color-red-600)';

export function TokenAgeChart({ bars, maxAgeDays, summary }: { bars: TokenAgeBar[]; maxAgeDays: number; summary: string }) {
  return (
    <div role="img" aria-label={summary} className="h-60 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} margin={{ top: 8, right: 8, bottom: 0, left: -20 }} accessibilityLayer={false}>
          <CartesianGrid stroke={CHART_GRID} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={CHART_TICK} stroke={CHART_GRID} interval={0} />
          <YAxis allowDecimals={false} tick={CHART_TICK} stroke={CHART_GRID} />
          <Tooltip {...CHART_TOOLTIP} cursor={{ fill: CHART_GRID, fillOpacity: 0.4 }} labelFormatter={(label) => `${String(label)} days old`} />
          <Legend itemSorter={null} iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} formatter={(value: string) => <span style={{ color: CHART_TEXT }}>{value}</span>} />
          <Bar dataKey="withinPolicy" name={`Within the policy (${maxAgeDays} days)`} stackId="age" fill={WITHIN} maxBarSize={48} isAnimationActive={false} />
          <Bar dataKey="overPolicy" name={`Older than ${maxAgeDays} days`} stackId="age" fill={OVER} maxBarSize={48} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
