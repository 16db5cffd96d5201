/**
 * The training dock. In the Model view: data, the essential training settings with Train /
 * Pause / Stop, the live loss chart and the decision boundary. In the Train view the dock
 * fills the window as the training dashboard: every setting with the LR preview, live charts
 * of loss, metrics and LR, the confusion matrix, the inference playground, per-layer weight
 * and gradient histograms, and the run
 * history with comparisons across runs.
 */
import { useApp } from '../store/index.ts';
import { DataCard } from './DataCard.tsx';
import { LossChart } from './LossChart.tsx';
import { ResultCard } from './ResultCard.tsx';
import { TrainCard } from './TrainCard.tsx';
import { TrainSettings } from './TrainSettings.tsx';
import { MetricCharts } from './MetricCharts.tsx';
import { ConfusionCard } from './ConfusionCard.tsx';
import { RunHistory } from './RunHistory.tsx';
import { ComputeChart } from './ComputeChart.tsx';
import { HistogramCard } from './HistogramCard.tsx';

export function Dock() {
  const view = useApp((s) => s.view);
  if (view === 'model') {
    return (
      <section className="dock" aria-label="Training dock">
        <DataCard />
        <TrainCard />
        <LossChart />
        <ResultCard />
      </section>
    );
  }
  return (
    <section className="dock dashboard" aria-label="Training dashboard">
      <div className="dash-col dash-left">
        <TrainCard />
        <TrainSettings />
      </div>
      <div className="dash-col dash-mid">
        <MetricCharts />
        <div className="dash-row">
          <ResultCard playground />
          <ConfusionCard />
        </div>
        <HistogramCard />
      </div>
      <div className="dash-col dash-right">
        <DataCard />
        <RunHistory />
        <ComputeChart />
      </div>
    </section>
  );
}
