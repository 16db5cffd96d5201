/**
 * At most one draw per animation frame, however many requests arrive before it. `cancel` also
 * forgets the pending frame: StrictMode (npm start) unmounts and remounts a component at once,
 * and a cancelled frame still marked pending would swallow every later request (blank plots).
 */
export interface FrameCoalescer {
  request(): void;
  cancel(): void;
}

export function frameCoalescer(
  draw: () => void,
  raf: (cb: () => void) => number = (cb) => requestAnimationFrame(cb),
  caf: (id: number) => void = (id) => cancelAnimationFrame(id),
): FrameCoalescer {
  let pending = 0;
  return {
    request() {
      if (pending) return;
      pending = raf(() => {
        pending = 0;
        draw();
      });
    },
    cancel() {
      if (pending) caf(pending);
      pending = 0;
    },
  };
}
