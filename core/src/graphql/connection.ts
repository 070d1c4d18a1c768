import 'reflect-metadata';
import { Field, Int, ObjectType } from 'type-graphql';
import type { Count } from '../db/count.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Page<T> {
  nodes: T[];
  edges: { node: T; cursor: string }[];
  pageInfo: PageInfo;
  /** Counted only when the client asks for totalCount (once, however many count fields it asks for). */
  count: () => Promise<Count>;
}

/** Builds a Relay page from `first + 1` rows fetched after a keyset cursor. */
export function toPage<T>(rows: T[], first: number, hadCursor: boolean, cursorOf: (row: T) => string, counter: () => Promise<Count>): Page<T> {
  let counted: Promise<Count> | undefined;
  const count = () => (counted ??= counter());
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: hadCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    count,
  };
}

export const TOTAL_COUNT = { type: () => Int, description: 'All matching items, across pages.' };
