import type { EngineFactory } from '../framework/engine.js';

/**
 * Engine factories by mount type. Built-in engines register at start; a third-party engine is
 * an npm package exporting an EngineFactory, registered the same way (ARCHITECTURE.md, "Plugins").
 */
export class EngineRegistry {
  private readonly factories = new Map<string, { factory: EngineFactory; kind: 'secrets' | 'auth' }>();

  register(type: string, kind: 'secrets' | 'auth', factory: EngineFactory): void {
    this.factories.set(type, { factory, kind });
  }

  get(type: string, kind: 'secrets' | 'auth'): EngineFactory | undefined {
    const found = this.factories.get(type);
    return found && found.kind === kind ? found.factory : undefined;
  }
}
