import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags for the Cedar WebAssembly module. This module has no exports: cedar-wasm.ts imports
 * it before the engine, and ESM evaluates a module's imports in order, so the flags are set
 * before the engine's module is compiled (flags set afterwards do not apply to it).
 *
 * `--liftoff-only`: compile Cedar with V8's baseline Wasm compiler and never tier up to
 * TurboFan. The optimised code of a 4.3 MB module costs ≈ 35–55 MiB of resident memory and
 * background compile time right when a fresh server takes its first requests; it buys ≈ 25%
 * on a Cedar evaluation (bench/cedar-authz.mjs, cold: 16.0k vs 12.4k calls/s), and evaluations
 * are rare in steady state because decisions are cached (cedar-authorizer.ts). Measured:
 * `secretum server --dev` at 121–125 MiB RSS instead of 162–186 MiB.
 *
 * `--no-turbo-inline-js-wasm-calls` — INVARIANT: TurboFan must not inline JS→Wasm calls. On
 * Node 20 (V8 11.3) a function that calls into the Cedar module, optimised with the call inlined,
 * aborts the whole process (`Deoptimizer::DoComputeBuiltinContinuation`: "unreachable code") when
 * it is lazily deoptimised while Wasm is on the stack calling back into JS (`JSON.stringify` /
 * `parse` in the bindings) — reproduced within seconds by bench/cedar-authz.mjs. It costs
 * nothing measurable (the call is dominated by marshalling).
 */
setFlagsFromString('--liftoff-only');
setFlagsFromString('--no-turbo-inline-js-wasm-calls');
