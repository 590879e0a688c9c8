/** The RNN anatomy: a recurrent network's output computed by hand, step by step, next to model.predict. */
export { computeAnatomy, explainModel, countingInput, type ExplainContext } from './compute-anatomy.js';
export { buildDemoModel, TUTORIAL_DEMO, type DemoModelOptions } from './demo-model.js';
export { extractNetwork, type ExtractedNetwork, type RecurrentLayerWeights, type DenseLayerWeights } from './extract-network.js';
export { runRecurrentLayer, cellEquations, GATE_BLOCKS } from './recurrent-cells.js';
export { loadBundleModel, readBundleRunConfig } from './bundle-model.js';
export { activationByName, activationFormula } from './activations.js';
