/**
 * The graph between a functional model's inputs and outputs, walked as Keras's `map_graph` walks it: the
 * layer calls in an order that runs them after their inputs, and the layers in Keras's order (by depth from
 * the outputs, deepest first, ties by first visit), which is the order `model.layers` lists them in and the
 * order Keras keys their weights by in a file (`dense`, `dense_1`, ... follow it).
 */

import { InvalidArgumentError } from '../errors.js';
import type { Layer, LayerCall, SymbolicTensor } from '../layers/layer.js';

export interface GraphMap {
  /** The calls of layers other than the inputs, each after the calls it reads from (depth-first post-order). */
  readonly calls: LayerCall[];
  /** Each layer once, in Keras's `model.layers` order (input layers included). */
  readonly layers: Layer[];
  /**
   * Every call of the graph, input layers' included (an unused input at 0), with Keras's node depth: the
   * outputs' at 0, each call one more than the deepest call that reads it, a shared layer's calls at least
   * as deep as its deepest (Keras's `_nodes_by_depth`, which its summary reads).
   */
  readonly depths: Map<LayerCall, number>;
}

/**
 * Walks from `outputs` back to `inputs`. Iterative, so a chain of 20,000 layers does not overflow the stack.
 * Inputs the outputs do not depend on are kept (Keras allows them: they may feed losses), first at depth 0.
 */
export function mapGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], context: string): GraphMap {
  const inputIds = new Set(inputs.map((t) => t.id));
  const visitOrder: LayerCall[] = [];
  const finished = new Set<LayerCall>();
  const entered = new Set<LayerCall>();
  const firstVisit = new Map<Layer, number>();
  for (const output of outputs) {
    const stack: { call: LayerCall; next: number }[] = [];
    const enter = (t: SymbolicTensor): void => {
      const call = t.producer;
      if (finished.has(call) || entered.has(call)) return;
      if (call.inputs.length === 0 && !inputIds.has(t.id)) {
        throw new InvalidArgumentError(
          'outputs',
          t.toString(),
          `outputs computed from the model's inputs only, but the graph is disconnected: it depends on input '${call.layer.name}', which is not among the inputs`,
          context,
        );
      }
      if (!firstVisit.has(call.layer)) firstVisit.set(call.layer, firstVisit.size);
      entered.add(call);
      stack.push({ call, next: 0 });
    };
    enter(output);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.call.inputs.length) enter(top.call.inputs[top.next++]);
      else {
        stack.pop();
        finished.add(top.call);
        visitOrder.push(top.call);
      }
    }
  }
  const depths = new Map<LayerCall, number>();
  const layers = kerasLayerOrder(inputs, visitOrder, firstVisit, depths);
  return { calls: visitOrder.filter((c) => c.inputs.length > 0), layers, depths };
}

/** Keras's depth ordering: a call's depth is one more than the deepest call that reads it (outputs at 0). */
function kerasLayerOrder(inputs: readonly SymbolicTensor[], visitOrder: readonly LayerCall[], firstVisit: Map<Layer, number>, callDepth: Map<LayerCall, number>): Layer[] {
  const inGraph = new Set(visitOrder);
  const layerDepth = new Map<Layer, number>();
  for (let i = visitOrder.length - 1; i >= 0; i--) {
    const call = visitOrder[i];
    // A shared layer takes the greatest depth of its calls.
    const depth = Math.max(callDepth.get(call) ?? 0, layerDepth.get(call.layer) ?? 0);
    layerDepth.set(call.layer, depth);
    callDepth.set(call, depth);
    for (const t of call.inputs) {
      if (inGraph.has(t.producer)) callDepth.set(t.producer, Math.max(depth + 1, callDepth.get(t.producer) ?? 0));
    }
  }
  for (const t of inputs) {
    if (layerDepth.has(t.producer.layer)) continue;
    layerDepth.set(t.producer.layer, 0);
    callDepth.set(t.producer, 0);
    firstVisit.set(t.producer.layer, -1);
  }
  return [...layerDepth.keys()].sort((a, b) => (layerDepth.get(b) as number) - (layerDepth.get(a) as number) || (firstVisit.get(a) as number) - (firstVisit.get(b) as number));
}
