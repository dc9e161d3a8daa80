import type { Fields } from './fields.js';
import type { EngineSpec, PathSpec } from './engine.js';
import { compilePattern, matchPattern, type CompiledPattern } from './pattern.js';

/** One engine's declared paths, compiled once when the engine is mounted. */
export interface RouteMatch {
  readonly spec: PathSpec<Fields>;
  readonly captures: Record<string, string>;
  readonly template: string;
}

interface CompiledRoute {
  readonly pattern: CompiledPattern;
  readonly spec: PathSpec<Fields>;
}

export class RouteTable {
  private readonly routes: CompiledRoute[];
  private readonly unauthenticated: CompiledPattern[];

  constructor(engine: EngineSpec) {
    this.routes = engine.paths
      .flatMap((spec) => (typeof spec.pattern === 'string' ? [spec.pattern] : spec.pattern).map((p) => ({
        pattern: compilePattern(p),
        spec: spec as PathSpec<Fields>,
      })))
      .sort((a, b) => b.pattern.specificity - a.pattern.specificity);
    this.unauthenticated = (engine.unauthenticated ?? []).map(compilePattern);
  }

  /** The most literal declaration matching `path`, or undefined. */
  match(path: string): RouteMatch | undefined {
    for (const route of this.routes) {
      const captures = matchPattern(route.pattern, path);
      if (captures) return { spec: route.spec, captures, template: route.pattern.template };
    }
    return undefined;
  }

  isUnauthenticated(path: string): boolean {
    return this.unauthenticated.some((p) => matchPattern(p, path) !== undefined);
  }

  /** Every declared path, for help and OpenAPI output. */
  specs(): PathSpec<Fields>[] {
    return [...new Set(this.routes.map((r) => r.spec))];
  }
}
