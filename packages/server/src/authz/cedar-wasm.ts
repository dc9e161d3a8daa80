import { setFlagsFromString } from 'node:v8';

/**
 * The one import of the official Cedar engine (STYLE.md, "Dependency notes"): the Node build of
 * `@cedar-policy/cedar-wasm`.
 *
 * INVARIANT: TurboFan must not inline JS→Wasm calls. On Node 20 (V8 11.3) a function that calls
 * into the Cedar module, optimised with the call inlined, aborts the whole process
 * (`Deoptimizer::DoComputeBuiltinContinuation`: "unreachable code") when it is lazily deoptimised
 * while Wasm is on the stack calling back into JS (`JSON.stringify`/`parse` in the bindings) —
 * reproduced within seconds by bench/cedar-authz.mjs. Set before any caller is optimised; it costs
 * nothing measurable (the call is dominated by marshalling).
 */
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export * as cedar from '@cedar-policy/cedar-wasm/nodejs';
export type { DetailedError, PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
