import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/index.js';
import type { Change } from './events.js';
import { Prehook, type FailurePolicy, type PrehookEvent } from './prehook.entity.js';
import type { PrehookRunRecord } from './run-log.js';
import type { PrehookRunner } from './runner.js';

export interface CreatePrehookInput {
  name: string;
  event: PrehookEvent;
  code: string;
  enabled?: boolean | null;
  position?: number | null;
  timeoutMs?: number | null;
  failurePolicy?: FailurePolicy | null;
}

export type UpdatePrehookInput = { [K in keyof Omit<CreatePrehookInput, 'event'>]?: CreatePrehookInput[K] | null };

/** Checks a script before it is stored; the sandbox supplies it (syntax errors name the line). */
export type CodeChecker = (code: string, field: string) => Promise<void>;

const MAX_SAMPLE_CHARS = 16 * 1024;
export const MAX_RUNS_PAGE = 100;

export class PrehookService {
  constructor(
    private readonly em: EntityManager,
    private readonly checkCode: CodeChecker,
    private readonly runner: PrehookRunner,
  ) {}

  list(): Promise<Prehook[]> {
    return this.em.find(Prehook, {}, { orderBy: { event: 'asc', position: 'asc', id: 'asc' } });
  }

  async get(id: string): Promise<Prehook> {
    const prehook = await this.em.findOne(Prehook, { id });
    if (!prehook) throw notFound('prehook', id);
    return prehook;
  }

  async create(input: CreatePrehookInput): Promise<Prehook> {
    await this.checkCode(input.code, 'input.code');
    const last = await this.em.findOne(Prehook, { event: input.event }, { orderBy: { position: 'desc' } });
    const prehook = this.em.create(Prehook, {
      name: input.name,
      event: input.event,
      code: input.code,
      enabled: input.enabled ?? true,
      position: input.position ?? (last?.position ?? -1) + 1,
      timeoutMs: input.timeoutMs ?? 1000,
      failurePolicy: input.failurePolicy ?? 'DENY',
    });
    await this.em.flush();
    this.runner.cache.invalidate();
    return prehook;
  }

  async update(id: string, input: UpdatePrehookInput): Promise<Prehook> {
    const prehook = await this.get(id);
    if (input.code !== undefined && input.code !== null) {
      await this.checkCode(input.code, 'input.code');
      prehook.code = input.code;
    }
    if (input.name) prehook.name = input.name;
    if (input.enabled !== undefined && input.enabled !== null) prehook.enabled = input.enabled;
    if (input.position !== undefined && input.position !== null) prehook.position = input.position;
    if (input.timeoutMs) prehook.timeoutMs = input.timeoutMs;
    if (input.failurePolicy) prehook.failurePolicy = input.failurePolicy;
    await this.em.flush();
    this.runner.cache.invalidate();
    return prehook;
  }

  async delete(id: string): Promise<boolean> {
    await this.em.remove(await this.get(id)).flush();
    this.runner.cache.invalidate();
    return true;
  }

  /** Runs the stored code (enabled or not) on a sample event; the run lands in its log, marked as a test. */
  async test(id: string, payload: Record<string, unknown>): Promise<PrehookRunRecord & { result: Change | null }> {
    const prehook = await this.get(id);
    if (JSON.stringify(payload).length > MAX_SAMPLE_CHARS) throw badInput('payload', `must be at most ${MAX_SAMPLE_CHARS} characters of JSON`);
    const { record, change } = await this.runner.test(prehook, payload);
    return { ...record, result: change };
  }

  /** The newest runs first; the log keeps the last RUNS_KEPT per prehook. */
  async runs(id: string, first: number): Promise<PrehookRunRecord[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_RUNS_PAGE) throw badInput('first', `must be between 1 and ${MAX_RUNS_PAGE}`);
    await this.get(id);
    return this.runner.runs.list(id, first);
  }
}
