import { Button, Code, Group, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQuery } from 'urql';
import { AuditQuery } from '../api/directory';
import { Empty, ErrorAlert, formatDate, Loading, PageTitle } from '../components/common';

const PAGE = 50;

export function AuditPage() {
  const [filter, setFilter] = useState({ action: '', actor: '', outcome: '', targetId: '' });
  const [debounced] = useDebouncedValue(filter, 300);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const given = Object.fromEntries(
    Object.entries(debounced)
      .filter(([, v]) => v.trim())
      .map(([k, v]) => [k, v.trim()]),
  );
  const [{ data, fetching, error }] = useQuery({ query: AuditQuery, variables: { first: PAGE, after: cursors[cursors.length - 1] ?? null, filter: given } });
  const events = data?.auditEvents;
  const field = (key: keyof typeof filter, label: string) => (
    <TextInput
      label={label}
      value={filter[key]}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setFilter((f) => ({ ...f, [key]: value }));
        setCursors([null]);
      }}
      w={200}
    />
  );

  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <Group mb="md" wrap="wrap">
        {field('action', 'Action')}
        {field('actor', 'Actor')}
        {field('outcome', 'Outcome')}
        {field('targetId', 'Target id')}
      </Group>
      <ErrorAlert error={error} />
      {fetching && !data ? (
        <Loading label="Loading the audit log" />
      ) : !events?.nodes.length ? (
        <Empty>No events match.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label="Audit events">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.nodes.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{formatDate(e.createdAt)}</Table.Td>
                    <Table.Td>{e.actor}</Table.Td>
                    <Table.Td>{e.action}</Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="xs">
                        {e.targetId ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{e.outcome}</Table.Td>
                    <Table.Td>{Object.keys(e.details).length ? <Code>{JSON.stringify(e.details)}</Code> : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" mt="sm">
            <Text size="sm" c="dimmed">
              {events.totalCount} events
            </Text>
            <Group>
              <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Newer
              </Button>
              <Button variant="default" disabled={!events.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, events.pageInfo.endCursor ?? null])}>
                Older
              </Button>
            </Group>
          </Group>
        </>
      )}
    </>
  );
}
