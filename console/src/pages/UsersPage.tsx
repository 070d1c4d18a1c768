import { Anchor, Button, Group, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { TenantsQuery } from '../api/directory';
import { PoolsQuery } from '../api/pools';
import { UsersQuery } from '../api/users';
import { Empty, ErrorAlert, formatDate, Loading, PageTitle, StatusBadge } from '../components/common';
import type { UserStatus } from '../gql/graphql';

const PAGE = 25;

/**
 * Users by email prefix and filters, a page at a time. Paging is keyset (`after` the last cursor), so the
 * millionth user costs what the first does; "Previous" walks back the cursors already seen.
 */
export function UsersPage() {
  const [email, setEmail] = useState('');
  const [search] = useDebouncedValue(email.trim(), 300);
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [poolId, setPoolId] = useState<string | null>(null);
  const [status, setStatus] = useState<UserStatus | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const filter = { email: search || undefined, tenantId: tenantId ?? undefined, poolId: poolId ?? undefined, status: status ?? undefined };
  const [{ data, fetching, error }] = useQuery({ query: UsersQuery, variables: { first: PAGE, after, filter } });
  const [tenants] = useQuery({ query: TenantsQuery, variables: { first: 100 } });
  const [pools] = useQuery({ query: PoolsQuery });
  const reset = () => setCursors([null]);
  const users = data?.users;

  return (
    <>
      <PageTitle>Users</PageTitle>
      <Group mb="md" align="flex-end" wrap="wrap">
        <TextInput
          label="Email starts with"
          type="search"
          value={email}
          onChange={(e) => {
            setEmail(e.currentTarget.value);
            reset();
          }}
          w={260}
        />
        <Select
          label="Tenant"
          clearable
          searchable
          data={(tenants.data?.tenants.nodes ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={tenantId}
          onChange={(v) => {
            setTenantId(v);
            reset();
          }}
          w={200}
        />
        <Select
          label="Pool"
          clearable
          data={(pools.data?.userPools ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={poolId}
          onChange={(v) => {
            setPoolId(v);
            reset();
          }}
          w={200}
        />
        <Select
          label="Status"
          clearable
          data={['ACTIVE', 'DISABLED', 'PENDING_ACTIVATION']}
          value={status}
          onChange={(v) => {
            setStatus(v as UserStatus | null);
            reset();
          }}
          w={200}
        />
      </Group>
      <ErrorAlert error={error} />
      {fetching && !data ? (
        <Loading label="Loading users" />
      ) : !users?.nodes.length ? (
        <Empty>No user matches.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Tenant</Table.Th>
                  <Table.Th>Pool</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.nodes.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Td>
                      <Anchor component={Link} href={`/users/${user.id}`}>
                        {user.email}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={user.status} />
                    </Table.Td>
                    <Table.Td>{user.tenant?.name ?? '—'}</Table.Td>
                    <Table.Td>{user.pool?.name ?? 'local'}</Table.Td>
                    <Table.Td>{formatDate(user.lastSignInAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" mt="sm">
            <Text size="sm" c="dimmed">
              {users.totalCountIsExact ? '' : 'about '}
              {users.totalCount.toLocaleString()} users · page {cursors.length}
            </Text>
            <Group>
              <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous
              </Button>
              <Button variant="default" disabled={!users.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, users.pageInfo.endCursor ?? null])}>
                Next
              </Button>
            </Group>
          </Group>
        </>
      )}
    </>
  );
}
