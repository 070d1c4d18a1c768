import { Anchor, Badge, Button, Group, Paper, Select, Stack, Table, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link, useLocation } from 'wouter';
import { CreatePrehook, PrehooksQuery } from '../api/prehooks';
import { Empty, ErrorAlert, Loading, PageTitle } from '../components/common';
import { apiErrors, fieldError } from '../errors';
import type { PrehookEvent } from '../gql/graphql';
import { EVENT_TYPES, STARTER_CODE } from '../prehook-events';

const EVENTS = Object.keys(EVENT_TYPES) as PrehookEvent[];

export function PrehooksPage() {
  const [{ data, fetching, error }] = useQuery({ query: PrehooksQuery });
  const [created, createPrehook] = useMutation(CreatePrehook);
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [event, setEvent] = useState<PrehookEvent>('beforeUserCreate');
  const errors = apiErrors(created.error);

  async function create() {
    const result = await createPrehook({ input: { name: name.trim(), event, code: STARTER_CODE, enabled: false } });
    if (result.data) navigate(`/prehooks/${result.data.createPrehook.id}`);
  }

  return (
    <>
      <PageTitle>Prehooks</PageTitle>
      <Paper withBorder p="md" mb="md">
        <Title order={3} size="h4" mb="sm">
          New prehook
        </Title>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
          noValidate
        >
          <ErrorAlert error={created.error} shown={['name', 'event']} />
          <Group align="flex-start" wrap="wrap">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(errors, 'name')} />
            <Select label="Event" data={EVENTS} value={event} onChange={(v) => setEvent((v ?? 'beforeUserCreate') as PrehookEvent)} allowDeselect={false} />
            <Button type="submit" mt={24} loading={created.fetching}>
              Create (disabled) and edit
            </Button>
          </Group>
        </form>
      </Paper>
      <ErrorAlert error={error} />
      {fetching && !data ? (
        <Loading label="Loading prehooks" />
      ) : !data?.prehooks.length ? (
        <Empty>No prehooks: every event runs with no script.</Empty>
      ) : (
        <Stack>
          <Table.ScrollContainer minWidth={520}>
            <Table striped aria-label="Prehooks by event, in run order">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Order</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>State</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.prehooks.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>{p.event}</Table.Td>
                    <Table.Td>{p.position}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} href={`/prehooks/${p.id}`}>
                        {p.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={p.enabled ? 'green' : 'gray'} variant="light" autoContrast>
                        {p.enabled ? 'enabled' : 'disabled'}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </>
  );
}
