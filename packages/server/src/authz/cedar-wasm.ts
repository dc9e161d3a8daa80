// Must stay the first import: it sets V8's Wasm flags before the engine below is compiled.
import './wasm-flags.js';

/**
 * The one import of the official Cedar engine (STYLE.md, "Dependency notes"): the Node build of
 * `@cedar-policy/cedar-wasm`, compiled under the flags of wasm-flags.ts.
 */
export * as cedar from '@cedar-policy/cedar-wasm/nodejs';
export type { DetailedError, PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
