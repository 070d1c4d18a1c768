import { KIT_VERSION, configJsonSchema, type JsonSchema, type PoolSource } from '@tributary/plugin-kit';
import { NativePoolConfigSchema } from './native-config.js';
import type { PoolType } from './pool.entity.js';

export interface SourceInfo {
  key: string;
  displayName: string;
  type: PoolType;
  configSchema: JsonSchema;
  secretFields: readonly string[];
  destinationFields: readonly string[];
}

/**
 * NATIVE pools have no plugin (nothing to connect to: get() never returns it), but their config is
 * listed beside the plugins' so admin UIs render its form the same way. Its key is reserved.
 */
export const NATIVE_SOURCE_KEY = 'native';
const nativeSource = (): SourceInfo => ({
  key: NATIVE_SOURCE_KEY,
  displayName: 'Tributary (native users)',
  type: 'NATIVE',
  configSchema: configJsonSchema(NativePoolConfigSchema),
  secretFields: [],
  destinationFields: [],
});

export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
}

/** The installed source plugins, checked once at start: a bad plugin fails with its name and the reason. */
export class SourceRegistry {
  readonly #sources = new Map<string, PoolSource>();

  constructor(sources: readonly PoolSource[] = []) {
    for (const source of sources) this.register(source, source.key);
  }

  register(candidate: unknown, origin: string): void {
    const source = candidate as Partial<PoolSource> | null;
    if (!source || typeof source !== 'object' || typeof source.connect !== 'function' || !source.config || !source.key) {
      throw new PluginLoadError(`${origin}: the default export is not a pool source made with definePoolSource()`);
    }
    if (source.kitVersion !== KIT_VERSION) {
      throw new PluginLoadError(`${origin}: built for plugin kit v${source.kitVersion}, this server runs kit v${KIT_VERSION}`);
    }
    if (this.#sources.has(source.key) || source.key === NATIVE_SOURCE_KEY)
      throw new PluginLoadError(`${origin}: the source key "${source.key}" is already taken`);
    this.#sources.set(source.key, source as PoolSource);
  }

  /** Loads third-party plugins named in TRIBUTARY_PLUGINS (package names or paths). */
  async load(specifiers: readonly string[]): Promise<void> {
    for (const specifier of specifiers) {
      let module: { default?: unknown };
      try {
        module = (await import(specifier)) as { default?: unknown };
      } catch (error) {
        throw new PluginLoadError(`${specifier}: cannot be imported (${(error as Error).message})`);
      }
      this.register(module.default, specifier);
    }
  }

  get(key: string): PoolSource | undefined {
    return this.#sources.get(key);
  }

  /** The plugins and the native entry, by key. */
  list(): SourceInfo[] {
    const plugins = [...this.#sources.values()].map((source): SourceInfo => ({
      key: source.key,
      displayName: source.displayName,
      type: source.type,
      configSchema: configJsonSchema(source.config),
      secretFields: source.secretFields,
      destinationFields: source.destinationFields,
    }));
    return [...plugins, nativeSource()].sort((a, b) => a.key.localeCompare(b.key));
  }
}
