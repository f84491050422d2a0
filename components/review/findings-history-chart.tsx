'use client';
// Findings by severity over time, drawn with Recharts: one stacked bar per day, the findings still
// unresolved at that day's end per severity. The picture is for people who look; the same numbers
// are in the table under it (FindingsHistory), which is what assistive technology reads — so the
// SVG is one image with a summary for a name, and Recharts' own keyboard layer is off.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FindingsDay } from '@/lib/domain/findings/history';
import { CHART_GRID, CHART_TEXT, CHART_TICK, CHART_TOOLTIP, SEVERITY_COLOUR } from './chart-theme';
import { SEVERITY_LABEL } from './severity';

// Stacked from the bottom: the most severe nearest the axis, where a change is easiest to see.
const STACK = ['critical', 'high', 'medium', 'low'] as const;

export function FindingsHistoryChart({ days, summary }: { days: FindingsDay[]; summary: string }) {
  return (
    <div role="img" aria-label={summary} className="h-60 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -20 }} barCategoryGap={days.length > 30 ? 1 : '20%'} accessibilityLayer={false}>
          <CartesianGrid stroke={CHART_GRID} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tick={CHART_TICK} tickFormatter={(day: string) => day.slice(5)} stroke={CHART_GRID} minTickGap={20} />
          <YAxis allowDecimals={false} tick={CHART_TICK} stroke={CHART_GRID} />
          <Tooltip {...CHART_TOOLTIP} cursor={{ fill: CHART_GRID, fillOpacity: 0.4 }} labelFormatter={(day) => `End of ${String(day)}`} />
          <Legend itemSorter={null} iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} formatter={(value: string) => <span style={{ color: CHART_TEXT }}>{value}</span>} />
          {STACK.map((severity) => (
            <Bar key={severity} dataKey={severity} name={SEVERITY_LABEL[severity]} stackId="open" fill={SEVERITY_COLOUR[severity]} maxBarSize={48} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
