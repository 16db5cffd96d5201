/**
 * Whether ops record the graph. noGrad(fn) turns recording off for evaluation, optimizer
 * updates and gradient computation without createGraph.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

function withGrad<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn without recording gradients (like torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  return withGrad(false, fn);
}

/** Runs fn with gradient recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGrad(true, fn);
}
