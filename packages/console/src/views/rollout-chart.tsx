/** The rollout report over time, drawn with uPlot: every decision, and those enforce would block. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { RolloutBucket } from '../api/report-types.js';

const CHART_HEIGHT = 260;
const CHART_MIN_WIDTH = 320;

const SERIES: Array<{ label: string; stroke: string; pick: (b: RolloutBucket) => number }> = [
  { label: 'decisions', stroke: '#4a5568', pick: (b) => b.total },
  { label: 'enforce would block', stroke: '#c53030', pick: (b) => b.would_block },
  { label: 'would allow', stroke: '#2f855a', pick: (b) => b.by_enforce_decision.allow },
  {
    label: 'would hold for approval',
    stroke: '#b7791f',
    pick: (b) => b.by_enforce_decision.require_approval,
  },
];

export function chartData(buckets: RolloutBucket[]): uPlot.AlignedData {
  return [buckets.map((b) => Date.parse(b.start) / 1000), ...SERIES.map((s) => buckets.map(s.pick))];
}

export function RolloutChart({ buckets }: { buckets: RolloutBucket[] }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = host.current;
    if (!target) return;
    const width = Math.max(CHART_MIN_WIDTH, target.clientWidth);
    const chart = new uPlot(
      {
        width,
        height: CHART_HEIGHT,
        series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))],
        axes: [{}, { label: 'decisions per bucket' }],
        scales: { x: { time: true } },
      },
      chartData(buckets),
      target,
    );
    return () => chart.destroy();
  }, [buckets]);

  return (
    <div ref={host} class="chart" role="img" aria-label="Decisions over time and what enforce would block" />
  );
}
