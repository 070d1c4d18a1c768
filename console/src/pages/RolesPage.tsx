import { Button, Group, Paper, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { CreateRole, DeleteRole, RolesQuery } from '../api/directory';
import { ConfirmButton, Empty, ErrorAlert, Loading, PageTitle } from '../components/common';
import { apiErrors, fieldError } from '../errors';

export function RolesPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: RolesQuery });
  const [created, createRole] = useMutation(CreateRole);
  const [deleted, deleteRole] = useMutation(DeleteRole);
  const [form, setForm] = useState({ key: '', name: '', description: '' });
  const errors = apiErrors(created.error);

  async function create() {
    const result = await createRole({ input: { key: form.key.trim(), name: form.name.trim(), description: form.description.trim() || undefined } });
    if (!result.error) {
      setForm({ key: '', name: '', description: '' });
      refetch({ requestPolicy: 'network-only' });
    }
  }

  return (
    <>
      <PageTitle>Roles</PageTitle>
      <Paper withBorder p="md" mb="md">
        <Title order={3} size="h4" mb="sm">
          New role
        </Title>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
          noValidate
        >
          <ErrorAlert error={created.error} shown={['key', 'name', 'description']} />
          <Group align="flex-start" wrap="wrap">
            <TextInput
              label="Key"
              description="Source roles map to the role whose key equals their name"
              required
              value={form.key}
              onChange={(e) => setForm({ ...form, key: e.currentTarget.value })}
              error={fieldError(errors, 'key')}
            />
            <TextInput
              label="Name"
              required
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
              error={fieldError(errors, 'name')}
            />
            <TextInput
              label="Description"
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.currentTarget.value })}
              error={fieldError(errors, 'description')}
            />
            <Button type="submit" mt={24} loading={created.fetching}>
              Create role
            </Button>
          </Group>
        </form>
      </Paper>
      <ErrorAlert error={error ?? deleted.error} />
      {fetching && !data ? (
        <Loading label="Loading roles" />
      ) : !data?.roles.length ? (
        <Empty>No roles yet.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped aria-label="Roles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Key</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.roles.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {r.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td>{r.description ?? '—'}</Table.Td>
                  <Table.Td>
                    <ConfirmButton
                      label="Delete"
                      title={`Delete role ${r.name}?`}
                      message="Users lose this role."
                      onConfirm={async () => {
                        const result = await deleteRole({ id: r.id });
                        if (!result.error) refetch({ requestPolicy: 'network-only' });
                      }}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
