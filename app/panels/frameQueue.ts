/**
 * One queue for the dashboard's redraws (the uPlot charts, the histogram canvases, the
 * decision boundary), run on animation frames within a time budget. Each plot coalesces its
 * own requests (at most one pending draw), but while training every plot wants a redraw at
 * once — ~12 event batches a second, a boundary and histograms every epoch — and all of them
 * in one frame add up to one long main-thread task (with that frame's layout and paint):
 * the UI stutters though no single plot is slow. Here a frame runs queued draws in request
 * order until `budgetMs` is spent, and the rest wait for the next frame, so a frame's script
 * stays short and every plot still draws its latest state within a few frames.
 *
 * `minGapMs` throttles a plot that need not follow every change (the boundary and the
 * histograms while training): a request sooner than that after its last draw waits out the
 * gap on a timer, then joins the queue — the latest state is still drawn, never dropped.
 *
 * `cancel` forgets the pending draw: StrictMode (npm start) unmounts and remounts at once,
 * and a cancelled draw still marked pending would swallow every later request (blank plots).
 */
export interface FrameJob {
  request(): void;
  cancel(): void;
  /**
   * Off screen (false), requests are held instead of drawn: a plot scrolled out of view costs
   * nothing while training. Back on screen, a held request draws at once.
   */
  setVisible(visible: boolean): void;
}

export interface FrameClock {
  raf(cb: () => void): number;
  caf(id: number): void;
  now(): number;
  setTimeout(cb: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

export interface FrameQueue {
  job(draw: () => void, minGapMs?: () => number): FrameJob;
}

interface Entry {
  draw(): void;
  gap(): number;
  last: number;
  timer: number;
  visible: boolean;
  held: boolean;
}

const browserClock: FrameClock = {
  raf: (cb) => requestAnimationFrame(cb),
  caf: (id) => cancelAnimationFrame(id),
  now: () => performance.now(),
  setTimeout: (cb, ms) => window.setTimeout(cb, ms),
  clearTimeout: (id) => window.clearTimeout(id),
};

/** Script time per frame for redraws: well under the 50 ms long-task bar, leaving room for layout and paint. */
export const FRAME_BUDGET_MS = 8;

export function frameQueue(budgetMs = FRAME_BUDGET_MS, clock: FrameClock = browserClock): FrameQueue {
  const queued = new Set<Entry>(); // insertion order = request order
  let frame = 0;
  const run = () => {
    frame = 0;
    const start = clock.now();
    // A snapshot: a draw that requests again (or another plot) waits for the next frame.
    for (const e of [...queued]) {
      if (!queued.has(e)) continue;
      queued.delete(e);
      e.last = clock.now();
      try {
        e.draw();
      } catch (err) {
        // One broken plot must not stop the others; the error still reaches the console.
        queueMicrotask(() => {
          throw err;
        });
      }
      if (queued.size > 0 && clock.now() - start >= budgetMs) break;
    }
    if (queued.size > 0 && !frame) frame = clock.raf(run);
  };
  const enqueue = (e: Entry) => {
    queued.add(e);
    if (!frame) frame = clock.raf(run);
  };
  return {
    job(draw, minGapMs = () => 0) {
      const e: Entry = { draw, gap: minGapMs, last: -Infinity, timer: 0, visible: true, held: false };
      const job: FrameJob = {
        request() {
          if (!e.visible) {
            e.held = true;
            return;
          }
          if (queued.has(e) || e.timer) return;
          const wait = e.last + e.gap() - clock.now();
          if (wait > 0) {
            e.timer = clock.setTimeout(() => {
              e.timer = 0;
              enqueue(e);
            }, wait);
          } else enqueue(e);
        },
        cancel() {
          e.held = false;
          queued.delete(e);
          if (e.timer) clock.clearTimeout(e.timer);
          e.timer = 0;
          if (queued.size === 0 && frame) {
            clock.caf(frame);
            frame = 0;
          }
        },
        setVisible(visible) {
          if (visible === e.visible) return;
          if (!visible) {
            const pending = queued.has(e) || e.timer !== 0;
            job.cancel();
            e.held = pending;
            e.visible = false;
            return;
          }
          e.visible = true;
          if (e.held) {
            e.held = false;
            job.request();
          }
        },
      };
      return job;
    },
  };
}

/**
 * Tells `job` whether `el` is on screen (scrolled into its containers' and the window's view),
 * as it changes; returns the disconnect. Without IntersectionObserver the job stays visible.
 */
export function observeVisibility(el: Element, job: FrameJob): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  const io = new IntersectionObserver((entries) => {
    const last = entries[entries.length - 1];
    if (last) job.setVisible(last.isIntersecting);
  });
  io.observe(el);
  return () => {
    io.disconnect();
    job.setVisible(true);
  };
}

/** The dashboard's shared queue (all plots share one budget per frame). */
export const dashboardFrames = frameQueue();
