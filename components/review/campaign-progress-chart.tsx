'use client';
// Campaign progress over time, drawn with Recharts: items decided so far, day by day, against the
// campaign's total. The picture is for people who look; the same numbers are in the table beside it
// (CampaignProgressTable), which is what assistive technology reads — so the SVG is one image with
// a summary for a name, and Recharts' own keyboard layer is off.
import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CampaignProgressDay } from '@/lib/domain/reviews/campaigns';

// The palette's CSS variables: the dark theme redefines them, so the chart follows it.
const LINE = 'var(--color-indigo-600)';
const GRID = 'var(--color-slate-200)';
const TEXT = 'var(--color-slate-700)';
const TOTAL = 'var(--color-emerald-600)';

export function CampaignProgressChart({ days, total, summary }: { days: CampaignProgressDay[]; total: number; summary: string }) {
  return (
    <div role="img" aria-label={summary} className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={days} margin={{ top: 16, right: 12, bottom: 0, left: -16 }} accessibilityLayer={false}>
          <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
          <XAxis dataKey="day" tick={{ fill: TEXT, fontSize: 12 }} tickFormatter={(day: string) => day.slice(5)} stroke={GRID} minTickGap={16} />
          <YAxis allowDecimals={false} domain={[0, Math.max(total, 1)]} tick={{ fill: TEXT, fontSize: 12 }} stroke={GRID} />
          <Tooltip formatter={(value) => [`${String(value)} of ${total}`, 'Decided']} labelFormatter={(day) => String(day)} />
          <ReferenceLine y={total} stroke={TOTAL} strokeDasharray="4 4" label={{ value: `all ${total}`, fill: TEXT, fontSize: 12, position: 'insideTopLeft' }} />
          <Area type="stepAfter" dataKey="cumulative" stroke={LINE} fill={LINE} fillOpacity={0.15} strokeWidth={2} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
