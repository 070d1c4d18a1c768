import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../errors/index.js';
import { escapeLike } from '../db/sql.js';
import { newId } from '../ids.js';
import { User } from '../users/user.entity.js';
import { Tenant } from './tenant.entity.js';
import { insertTenantUnlessExists } from './tenant.repository.js';

export interface TenantInput {
  id?: string | null;
  name: string;
  metadata?: Record<string, unknown> | null;
}

export class TenantService {
  constructor(private readonly em: EntityManager) {}

  async get(id: string): Promise<Tenant> {
    const tenant = await this.em.findOne(Tenant, { id });
    if (!tenant) throw notFound('tenant', id);
    return tenant;
  }

  async page(first: number, afterId: string | null, namePrefix?: string | null): Promise<Tenant[]> {
    return this.em.find(
      Tenant,
      { ...(afterId ? { id: { $gt: afterId } } : {}), ...(namePrefix ? { name: { $like: `${escapeLike(namePrefix)}%` } } : {}) },
      { orderBy: { id: 'asc' }, limit: first + 1 },
    );
  }

  async count(namePrefix?: string | null): Promise<number> {
    return this.em.count(Tenant, namePrefix ? { name: { $like: `${escapeLike(namePrefix)}%` } } : {});
  }

  async create(input: TenantInput): Promise<Tenant> {
    const id = input.id ?? newId();
    if (await this.em.findOne(Tenant, { id })) throw conflict(`tenant "${id}" already exists`, 'input.id');
    const tenant = this.em.create(Tenant, { id, name: input.name, metadata: input.metadata ?? {} });
    await this.em.flush();
    return tenant;
  }

  /** The tenant with this id, created on first sight (sources name tenants we may not know yet). */
  async ensure(id: string, name = id): Promise<Tenant> {
    await insertTenantUnlessExists(this.em, id, name);
    return this.get(id);
  }

  async update(id: string, input: { name?: string | null; metadata?: Record<string, unknown> | null }): Promise<Tenant> {
    const tenant = await this.get(id);
    if (input.name !== undefined && input.name !== null) tenant.name = input.name;
    if (input.metadata !== undefined && input.metadata !== null) tenant.metadata = input.metadata;
    await this.em.flush();
    return tenant;
  }

  async delete(id: string): Promise<boolean> {
    const tenant = await this.get(id);
    if ((await this.em.count(User, { tenant: id })) > 0) throw conflict(`tenant "${id}" still has users; move or delete them first`);
    await this.em.remove(tenant).flush();
    return true;
  }
}
