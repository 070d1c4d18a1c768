import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../errors/index.js';
import { Role } from './role.entity.js';

export interface RoleInput {
  key: string;
  name: string;
  description?: string | null;
}

export class RoleService {
  constructor(private readonly em: EntityManager) {}

  list(): Promise<Role[]> {
    return this.em.find(Role, {}, { orderBy: { key: 'asc' } });
  }

  async create(input: RoleInput): Promise<Role> {
    if (await this.em.findOne(Role, { key: input.key })) throw conflict(`role "${input.key}" already exists`, 'input.key');
    const role = this.em.create(Role, { key: input.key, name: input.name, description: input.description ?? null });
    await this.em.flush();
    return role;
  }

  async delete(id: string): Promise<boolean> {
    const role = await this.em.findOne(Role, { id });
    if (!role) throw notFound('role', id);
    await this.em.remove(role).flush();
    return true;
  }

  /** Roles whose keys are listed; returns the keys that match no role too. */
  async byKeys(keys: readonly string[]): Promise<{ roles: Role[]; unknown: string[] }> {
    if (keys.length === 0) return { roles: [], unknown: [] };
    const roles = await this.em.find(Role, { key: { $in: [...keys] } });
    const known = new Set(roles.map((role) => role.key));
    return { roles, unknown: keys.filter((key) => !known.has(key)) };
  }
}
