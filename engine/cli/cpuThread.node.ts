/**
 * The Node worker_threads entry of a CPU pool thread (started by nodeThreads.ts): answers
 * its start message, then runs the pool loop on the shared memory until the pool stops.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCpuThread } from '../backend/cpu/threadLoop.ts';
import type { ThreadInit } from '../backend/cpu/threadLoop.ts';

parentPort?.postMessage('ready');
runCpuThread(workerData as ThreadInit);
