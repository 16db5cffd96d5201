/**
 * The worker that runs graphs holding Custom Code: the same engine API as engine.worker.ts,
 * in a global scope locked down before anything else is evaluated (no storage, no network:
 * sandbox/lockdown.ts), with a heartbeat for the page's watchdog and uploaded datasets handed
 * over by the page. The app routes every call that would run user code here (workers/client.ts).
 */
import './sandbox/install.ts';
import { readUploadFromPage } from './sandbox/uploads.ts';
import { setUploadReader } from './uploadSource.ts';
import './engine.worker.ts';

setUploadReader(readUploadFromPage);
