import { Button, Group, Paper, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { CreateTenant, DeleteTenant, TenantsQuery } from '../api/directory';
import { ConfirmButton, Empty, ErrorAlert, formatDate, Loading, PageTitle } from '../components/common';
import { apiErrors, fieldError } from '../errors';

const PAGE = 50;

export function TenantsPage() {
  const [prefix, setPrefix] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: TenantsQuery,
    variables: { first: PAGE, after: cursors[cursors.length - 1] ?? null, filter: prefix.trim() ? { name: prefix.trim() } : undefined },
  });
  const [created, createTenant] = useMutation(CreateTenant);
  const [deleted, deleteTenant] = useMutation(DeleteTenant);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const errors = apiErrors(created.error);
  const tenants = data?.tenants;

  async function create() {
    const result = await createTenant({ input: { name: name.trim(), id: id.trim() || undefined } });
    if (!result.error) {
      setName('');
      setId('');
      refetch({ requestPolicy: 'network-only' });
    }
  }

  return (
    <>
      <PageTitle>Tenants</PageTitle>
      <Paper withBorder p="md" mb="md">
        <Title order={3} size="h4" mb="sm">
          New tenant
        </Title>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
          noValidate
        >
          <ErrorAlert error={created.error} shown={['name', 'id']} />
          <Group align="flex-start" wrap="wrap">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(errors, 'name')} />
            <TextInput
              label="Id (optional)"
              description="Such as acme; generated when empty"
              value={id}
              onChange={(e) => setId(e.currentTarget.value)}
              error={fieldError(errors, 'id')}
            />
            <Button type="submit" mt={24} loading={created.fetching}>
              Create tenant
            </Button>
          </Group>
        </form>
      </Paper>
      <TextInput
        label="Name starts with"
        type="search"
        value={prefix}
        onChange={(e) => {
          setPrefix(e.currentTarget.value);
          setCursors([null]);
        }}
        w={260}
        mb="sm"
      />
      <ErrorAlert error={error ?? deleted.error} />
      {fetching && !data ? (
        <Loading label="Loading tenants" />
      ) : !tenants?.nodes.length ? (
        <Empty>No tenants yet.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={560}>
            <Table striped aria-label="Tenants">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Id</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tenants.nodes.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>{t.name}</Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {t.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDate(t.createdAt)}</Table.Td>
                    <Table.Td>
                      <ConfirmButton
                        label="Delete"
                        title={`Delete tenant ${t.name}?`}
                        message="Its users stay, without a tenant."
                        onConfirm={async () => {
                          const result = await deleteTenant({ id: t.id });
                          if (!result.error) refetch({ requestPolicy: 'network-only' });
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" mt="sm">
            <Text size="sm" c="dimmed">
              {tenants.totalCount} tenants
            </Text>
            <Group>
              <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous
              </Button>
              <Button variant="default" disabled={!tenants.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, tenants.pageInfo.endCursor ?? null])}>
                Next
              </Button>
            </Group>
          </Group>
        </>
      )}
    </>
  );
}
