import 'reflect-metadata';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { toPage } from '../graphql/connection.js';
import type { GraphQLContext } from '../graphql/context.js';
import { checkPage, encodeCursor } from '../graphql/pagination.js';
import { AuditEventConnection, AuditEventFilterInput, AuditEventType } from './audit.types.js';

@Resolver(() => AuditEventType)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'The audit log, newest first.' })
  async auditEvents(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => AuditEventFilterInput, { nullable: true }) filter?: AuditEventFilterInput | null,
  ): Promise<AuditEventConnection> {
    const page = checkPage(first, after);
    const rows = await services.audit.page(filter ?? {}, first, page.afterKey);
    return toPage(
      rows,
      first,
      Boolean(page.afterKey),
      (event) => encodeCursor(event.id),
      async () => ({ value: await services.audit.count(filter ?? {}), exact: true }),
    ) as unknown as AuditEventConnection;
  }
}

@Resolver(() => AuditEventConnection)
export class AuditEventConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: AuditEventConnection): Promise<number> {
    return connection.count().then((count) => count.value);
  }
}
