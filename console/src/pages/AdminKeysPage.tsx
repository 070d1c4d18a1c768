import { Alert, Code, Table, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery } from 'urql';
import { AdminKeysQuery, RevokeAdminKey } from '../api/directory';
import { ConfirmButton, Empty, ErrorAlert, formatDate, Loading, PageTitle } from '../components/common';

/**
 * The admin keys that work. The API has no mutation that creates a key (a new key is printed once by
 * `pnpm tributary admin-key create`), so this screen lists and revokes; creating joins it when the API can.
 */
export function AdminKeysPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: AdminKeysQuery });
  const [revoked, revokeKey] = useMutation(RevokeAdminKey);
  return (
    <>
      <PageTitle>Admin keys</PageTitle>
      <Alert color="blue" mb="md">
        Create a key with <Code>pnpm tributary admin-key create --name NAME</Code>: it is printed once and only its hash is stored. Revoking stops a key at once
        on every node; the last key cannot be revoked.
      </Alert>
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
