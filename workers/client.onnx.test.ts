// File → Export ONNX of a graph with Custom Code is refused in the client, naming the node,
// before any worker starts or any code runs (ONNX cannot express JavaScript).
import { describe, expect, it } from 'vitest';
import { EngineClient, EngineError } from './client.ts';
import { tinyGraph } from '../engine/test/graph/layerCases.ts';

describe('EngineClient.exportOnnx', () => {
  it('refuses Custom Code by node without starting a worker', async () => {
    const client = new EngineClient();
    const err = await client.exportOnnx({ name: 'm', graph: tinyGraph('CustomCode') }, new Uint8Array(8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'unsupported', nodeId: 'layer' });
    expect((err as Error).message).toMatch(/^Custom Code node ‘layer’ cannot be exported to ONNX: its forward pass is JavaScript/);
  });
});
