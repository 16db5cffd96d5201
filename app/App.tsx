/**
 * The IDE layout: top bar; palette | canvas | inspector; the training dock along the bottom
 * (data, training config, loss chart, decision boundary and metrics).
 */
import { Canvas } from './canvas/Canvas.tsx';
import { DataCard } from './panels/DataCard.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { LossChart } from './panels/LossChart.tsx';
import { NoticeBar } from './panels/NoticeBar.tsx';
import { Palette } from './panels/Palette.tsx';
import { ResultCard } from './panels/ResultCard.tsx';
import { TopBar } from './panels/TopBar.tsx';
import { TrainCard } from './panels/TrainCard.tsx';

export function App() {
  return (
    <div className="app">
      <TopBar />
      <NoticeBar />
      <Palette />
      <main className="workspace">
        <Canvas />
      </main>
      <Inspector />
      <section className="dock" aria-label="Training dock">
        <DataCard />
        <TrainCard />
        <LossChart />
        <ResultCard />
      </section>
    </div>
  );
}
