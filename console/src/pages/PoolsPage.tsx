import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link } from 'wouter';
import { PoolsQuery, ReorderPools } from '../api/pools';
import { Empty, ErrorAlert, Loading, PageTitle, StatusBadge } from '../components/common';
import type { PoolFieldsFragment } from '../gql/graphql';

function PoolRow({ pool, index }: { pool: PoolFieldsFragment; index: number }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: pool.id });
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="sm"
      style={{ transform: CSS.Transform.toString(transform), transition, zIndex: isDragging ? 1 : undefined, position: 'relative' }}
      data-testid="pool-row"
    >
      <Group wrap="nowrap" gap="sm">
        <ActionIcon
          ref={setActivatorNodeRef}
          variant="subtle"
          color="gray"
          aria-label={`Move ${pool.name} (position ${index + 1}): press space, then the arrow keys`}
          {...attributes}
          {...listeners}
          style={{ cursor: 'grab', touchAction: 'none' }}
        >
          <span aria-hidden>⠿</span>
        </ActionIcon>
        <Text w={24} c="dimmed" aria-hidden>
          {index + 1}
        </Text>
        <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
          <Anchor component={Link} href={`/pools/${pool.id}`} fw={600} truncate>
            {pool.name}
          </Anchor>
          <Text size="xs" c="dimmed" truncate>
            {pool.type} · {pool.source}
          </Text>
        </Stack>
        {!pool.enabled && (
          <Badge color="gray" variant="outline">
            disabled
          </Badge>
        )}
        <StatusBadge status={pool.health.status} />
      </Group>
    </Paper>
  );
}

/** The pools in sign-in order: drag a handle, or focus it and use space and the arrow keys, to reorder. */
export function PoolsPage() {
  const [{ data, fetching, error }] = useQuery({ query: PoolsQuery });
  const [reorder, reorderPools] = useMutation(ReorderPools);
  const [order, setOrder] = useState<PoolFieldsFragment[]>([]);
  useEffect(() => {
    if (data) setOrder(data.userPools);
  }, [data]);
  // Where the item was last announced to be: the drop goes there, so what a keyboard user heard is what happens
  // (dnd-kit re-measures the sliding rows and may otherwise resolve the drop against a row in mid-transition).
  const lastOver = useRef<string | number | null>(null);
  const sensors = useSensors(useSensor(PointerSensor), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));

  async function onDragEnd({ active }: DragEndEvent) {
    const target = lastOver.current;
    lastOver.current = null;
    if (target === null || active.id === target) return;
    const from = order.findIndex((pool) => pool.id === active.id);
    const to = order.findIndex((pool) => pool.id === target);
    const next = arrayMove(order, from, to);
    setOrder(next);
    const result = await reorderPools({ ids: next.map((pool) => pool.id) });
    if (result.error && data) setOrder(data.userPools);
  }

  return (
    <>
      <PageTitle
        actions={
          <Button component={Link} href="/pools/new">
            New pool
          </Button>
        }
      >
        Pools
      </PageTitle>
      <Text c="dimmed" size="sm" mb="md">
        Sign-in tries the pools in this order. Drag a handle, or focus it and press space, the arrow keys, then space again.
      </Text>
      <ErrorAlert error={error ?? reorder.error} />
      {fetching && !data ? (
        <Loading label="Loading pools" />
      ) : order.length === 0 ? (
        <Empty>No pools yet: users sign in locally only. Create a pool to bring users from another system.</Empty>
      ) : (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragStart={({ active }) => (lastOver.current = active.id)}
          onDragOver={({ over }) => {
            if (over) lastOver.current = over.id;
          }}
          onDragCancel={() => (lastOver.current = null)}
          onDragEnd={onDragEnd}
          accessibility={{
            announcements: {
              onDragStart: ({ active }) => `Picked up ${nameOf(order, active.id)}.`,
              onDragOver: ({ active, over }) => (over ? `${nameOf(order, active.id)} is over position ${indexOf(order, over.id) + 1}.` : ''),
              onDragEnd: ({ active, over }) => (over ? `${nameOf(order, active.id)} dropped at position ${indexOf(order, over.id) + 1}.` : 'Dropped.'),
              onDragCancel: ({ active }) => `Moving ${nameOf(order, active.id)} was cancelled.`,
            },
          }}
        >
          <SortableContext items={order.map((pool) => pool.id)} strategy={verticalListSortingStrategy}>
            <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Pools in sign-in order">
              {order.map((pool, index) => (
                <li key={pool.id}>
                  <PoolRow pool={pool} index={index} />
                </li>
              ))}
            </Stack>
          </SortableContext>
        </DndContext>
      )}
    </>
  );
}

const nameOf = (pools: PoolFieldsFragment[], id: string | number) => pools.find((pool) => pool.id === id)?.name ?? 'the pool';
const indexOf = (pools: PoolFieldsFragment[], id: string | number) => pools.findIndex((pool) => pool.id === id);
