/**
 * First import of the sandbox worker: locks the global scope down (lockdown.ts) as soon as the
 * worker starts, before the engine or any user code is evaluated, and starts the heartbeat the
 * page's watchdog listens to.
 */
import { lockDown } from './lockdown.ts';
import { BEAT_MS, type SandboxMessage } from './protocol.ts';

lockDown();

// Captured now: user code may replace self.postMessage, it cannot reach this reference.
const post = self.postMessage.bind(self) as (m: SandboxMessage) => void;
setInterval(() => post({ flowgradSandbox: 'beat' }), BEAT_MS);
post({ flowgradSandbox: 'beat' });

export { post as postToPage };
