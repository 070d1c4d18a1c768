import { Button, Group, Paper, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { AdminKeysQuery, CreateAdminKey, RevokeAdminKey } from '../api/directory';
import { ConfirmButton, Empty, ErrorAlert, formatDate, Loading, PageTitle } from '../components/common';
import { SecretOnce } from '../components/SecretOnce';
import { apiErrors, fieldError } from '../errors';

/**
 * The admin keys that work: create, list, revoke. A new key is in the create answer only (the server
 * keeps its hash), so it lives in this component's state until Done, never in the urql cache's list.
 */
export function AdminKeysPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: AdminKeysQuery });
  const [created, createKey] = useMutation(CreateAdminKey);
  const [revoked, revokeKey] = useMutation(RevokeAdminKey);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const errors = apiErrors(created.error);

  async function create() {
    const result = await createKey({ input: { name: name.trim() } });
    const answer = result.data?.createAdminKey;
    if (!result.error && answer) {
      setName('');
      setShown({ name: answer.adminKey.name, key: answer.key });
      refetch({ requestPolicy: 'network-only' });
    }
  }

  return (
    <>
      <PageTitle>Admin keys</PageTitle>
      <Paper withBorder p="md" mb="md">
        <Title order={3} size="h4" mb="sm">
          New admin key
        </Title>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
          noValidate
        >
          <ErrorAlert error={created.error} shown={['name']} />
          <Group align="flex-start" wrap="wrap">
            <TextInput
              label="Name"
              description="Who or what holds the key"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(errors, 'name')}
            />
            <Button type="submit" mt={24} loading={created.fetching}>
              Create key
            </Button>
          </Group>
        </form>
      </Paper>
      {shown && <SecretOnce title={`Admin key ${shown.name}: shown once`} label="New admin key" secret={shown.key} onDone={() => setShown(null)} />}
      <Text size="sm" c="dimmed" mb="sm">
        Revoking stops a key at once on every node; the last key cannot be revoked.
      </Text>
      <ErrorAlert error={error ?? revoked.error} />
      {fetching && !data ? (
        <Loading label="Loading keys" />
      ) : !data?.adminKeys.length ? (
        <Empty>No keys.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped aria-label="Admin keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.adminKeys.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>{formatDate(k.createdAt)}</Table.Td>
                  <Table.Td>{formatDate(k.lastUsedAt)}</Table.Td>
                  <Table.Td>
                    <ConfirmButton
                      label="Revoke"
                      title={`Revoke ${k.name}?`}
                      message="Everything using this key stops working at once. If it is the key you signed in with, you are signed out."
                      onConfirm={async () => {
                        const result = await revokeKey({ id: k.id });
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
