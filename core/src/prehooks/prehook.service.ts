import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../errors.js';
import { Prehook, type FailurePolicy, type PrehookEvent } from './prehook.entity.js';

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

export class PrehookService {
  constructor(
    private readonly em: EntityManager,
    private readonly checkCode: CodeChecker,
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
    return prehook;
  }

  async delete(id: string): Promise<boolean> {
    await this.em.remove(await this.get(id)).flush();
    return true;
  }
}
