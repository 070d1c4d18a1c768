import {
  SourceError,
  SourceUnavailable,
  type ConnectionTestResult,
  type ExternalConnection,
  type FederationConnection,
  type SourceContext,
  type SourceServices,
} from '@tributary/plugin-kit';
import type { Logger } from '../logger.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { CircuitOpen, PoolBreakers } from './pool-breakers.js';
import { openSecrets } from './pool-config.js';
import { publishSourceCall } from './source-calls.js';
import { DEFAULT_SOURCE_TIMEOUT_MS, type UserPool } from './pool.entity.js';
import type { SourceRegistry } from './source-registry.js';

type Connection = ExternalConnection | FederationConnection;

/**
 * Live connections to pool sources, one per pool and config version, made on first use.
 * The decrypted config exists only here, in memory, handed to the plugin.
 */
export class PoolConnector {
  readonly #connections = new Map<string, { version: number; connection: Promise<Connection> }>();

  constructor(
    private readonly sources: SourceRegistry,
    private readonly box: SecretBox,
    private readonly logger: Logger,
    /** Offered to every plugin as ctx.services; core's Sandbox satisfies the kit's ScriptSandbox. */
    private readonly services: SourceServices = {},
    /** Each pool's circuit breaker: callers run their source calls through it (sign-in/source-call.ts, call()). */
    readonly breakers: PoolBreakers = new PoolBreakers(),
  ) {}

  connect(pool: UserPool): Promise<Connection> {
    const version = pool.updatedAt.getTime();
    const cached = this.#connections.get(pool.id);
    if (cached && cached.version === version) return cached.connection;
    const source = this.sources.get(pool.source);
    if (!source) return Promise.reject(new SourceError('INVALID_CONFIG', `pool source "${pool.source}" is not installed`));
    const config = { ...pool.config, ...openSecrets(pool.sealedSecrets, this.box, pool.id) };
    const parsed = source.config.parse(config);
    const timeoutMs = pool.settings.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
    const context: SourceContext = {
      logger: this.logger.child({ pool: pool.id, source: source.key }),
      fetch: (input, init) => sourceFetch(input, init, timeoutMs),
      timeoutMs,
      now: () => new Date(),
      services: this.services,
    };
    const connection = Promise.resolve(source.connect(parsed, context));
    this.#connections.set(pool.id, { version, connection });
    connection.catch(() => this.#connections.delete(pool.id));
    return connection;
  }

  /**
   * One call to a pool's source (jobs, write-back) through its breaker and timeout: throws
   * SourceUnavailable at once while the pool's circuit is open.
   */
  async call<T>(pool: UserPool, operation: (connection: Connection) => Promise<T>): Promise<T> {
    try {
      const result = await this.breakers.run(pool.id, async () =>
        withTimeout(operation(await this.connect(pool)), pool.settings.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS),
      );
      this.breakers.observe(pool.id, null);
      publishSourceCall(() => ({ pool: pool.id, operation: 'call', result: 'ok' }));
      return result;
    } catch (error) {
      const code = error instanceof CircuitOpen ? 'CIRCUIT_OPEN' : error instanceof SourceError ? error.code : 'BAD_RESPONSE';
      this.breakers.observe(pool.id, code);
      publishSourceCall(() => ({ pool: pool.id, operation: 'call', result: 'unavailable', code }));
      if (error instanceof CircuitOpen) throw new SourceUnavailable('the source failed repeatedly; its circuit is open', { code: 'UNAVAILABLE', cause: error });
      throw error;
    }
  }

  forget(poolId: string): void {
    this.breakers.forget(poolId);
    const cached = this.#connections.get(poolId);
    this.#connections.delete(poolId);
    cached?.connection.then((connection) => connection.close?.()).catch(() => undefined);
  }

  async test(pool: UserPool): Promise<ConnectionTestResult> {
    try {
      const connection = await this.connect(pool);
      if (!connection.test) return { ok: true, message: `source "${pool.source}" offers no connection test; its config is valid` };
      return await withTimeout(connection.test(), DEFAULT_SOURCE_TIMEOUT_MS * 2);
    } catch (error) {
      // Plugin messages are written for admins and never carry secrets; anything else is summarised.
      const message = error instanceof SourceError ? `${error.code}: ${error.message}` : 'the source could not be reached or rejected the configuration';
      this.logger.warn({ pool: pool.id, err: error }, 'pool connection test failed');
      return { ok: false, message };
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.#connections.keys()];
    for (const id of all) this.forget(id);
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SourceError('TIMEOUT', `no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** fetch with the pool's timeout, as the kit promises: transport failures become SourceUnavailable. */
async function sourceFetch(input: string | URL | Request, init: RequestInit | undefined, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new SourceUnavailable(`no answer within ${timeoutMs} ms`, { code: 'TIMEOUT', cause: error });
    throw new SourceUnavailable('the source could not be reached', { cause: error });
  }
}
