import { Alert, Badge, Button, Group, MultiSelect, Paper, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useLocation, useParams } from 'wouter';
import { RolesQuery, TenantsQuery } from '../api/directory';
import { DeleteUser, UpdateUser, UserQuery } from '../api/users';
import { ConfirmButton, ErrorAlert, formatDate, Loading, PageTitle, StatusBadge } from '../components/common';
import { JsonEditor, parseObject } from '../components/JsonEditor';
import { apiErrors, fieldError } from '../errors';
import type { UserStatus } from '../gql/graphql';

/** One user: status, tenant, roles, profile and metadata; profile and metadata read-only while the pool syncs them. */
export function UserPage() {
  const { id } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const [{ data, fetching, error }] = useQuery({ query: UserQuery, variables: { id } });
  const [roles] = useQuery({ query: RolesQuery });
  // Tenants are searched on the server by name prefix: there may be far more than a list can hold.
  const [tenantSearch, setTenantSearch] = useState('');
  const [tenants] = useQuery({ query: TenantsQuery, variables: { first: 20, filter: tenantSearch.trim() ? { name: tenantSearch.trim() } : undefined } });
  const [updated, updateUser] = useMutation(UpdateUser);
  const [deleted, deleteUser] = useMutation(DeleteUser);
  const user = data?.user;
  const [status, setStatus] = useState<UserStatus>('ACTIVE');
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [roleKeys, setRoleKeys] = useState<string[]>([]);
  const [profile, setProfile] = useState('{}');
  const [metadata, setMetadata] = useState('{}');
  const [parseErrors, setParseErrors] = useState<{ profile?: string; metadata?: string }>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!user) return;
    setStatus(user.status);
    setTenantId(user.tenant?.id ?? null);
    setRoleKeys(user.roles.map((r) => r.key));
    setProfile(JSON.stringify(user.profile, null, 2));
    setMetadata(JSON.stringify(user.metadata, null, 2));
  }, [user]);

  if (fetching && !data) return <Loading label="Loading the user" />;
  if (!user) return error ? <ErrorAlert error={error} /> : <Alert color="yellow">No such user.</Alert>;
  const editable = user.capabilities.editable;
  const errors = apiErrors(updated.error);

  async function save() {
    setSaved(false);
    const p = parseObject(profile);
    const m = parseObject(metadata);
    const problems = { profile: 'error' in p ? p.error : undefined, metadata: 'error' in m ? m.error : undefined };
    setParseErrors(problems);
    if (problems.profile || problems.metadata) return;
    const result = await updateUser({
      id,
      input: {
        status,
        tenantId,
        roleKeys,
        ...(editable && 'value' in p && 'value' in m ? { profile: p.value, metadata: m.value } : {}),
      },
    });
    if (!result.error) setSaved(true);
  }

  return (
    <>
      <PageTitle
        actions={
          <ConfirmButton
            label="Delete user"
            title={`Delete ${user.email}?`}
            message="The user, their sessions and tokens are removed. This cannot be undone."
            loading={deleted.fetching}
            onConfirm={async () => {
              const result = await deleteUser({ id });
              if (!result.error) navigate('/users');
            }}
          />
        }
      >
        {user.email}
      </PageTitle>
      <ErrorAlert error={updated.error ?? deleted.error} shown={['status', 'tenantId', 'roleKeys', 'profile', 'metadata']} />
      {!editable && (
        <Alert color="blue" mb="md" title="Profile and metadata are read-only" data-testid="read-only-notice">
          This user&apos;s pool ({user.pool?.name}) syncs attributes from its source at each sign-in, so edits here would be overwritten. Change them at the
          source; status, tenant and roles stay editable.
        </Alert>
      )}
      {user.writeBack?.pending && (
        <Alert color="yellow" mb="md" title="Write-back pending">
          A change made here has not reached the source yet; it is retried until it does.
          {user.writeBack.lastError && ` Last error: ${user.writeBack.lastError}`}
        </Alert>
      )}
      {saved && (
        <Alert color="green" mb="md" role="status">
          Saved.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Stack>
            <Group>
              <StatusBadge status={user.status} />
              <Text size="sm" c="dimmed">
                {user.pool ? `pool ${user.pool.name}` : user.migratedFrom ? `migrated from ${user.migratedFrom.name ?? user.migratedFrom.id}` : 'local'}
              </Text>
            </Group>
            <Select
              label="Status"
              data={['ACTIVE', 'DISABLED', 'PENDING_ACTIVATION']}
              value={status}
              onChange={(v) => setStatus((v ?? 'ACTIVE') as UserStatus)}
              allowDeselect={false}
              error={fieldError(errors, 'status')}
            />
            <Select
              label="Tenant"
              clearable
              searchable
              searchValue={tenantSearch}
              onSearchChange={setTenantSearch}
              filter={({ options }) => options}
              nothingFoundMessage="No tenant starts with that"
              data={tenantOptions(tenants.data?.tenants.nodes ?? [], user.tenant)}
              value={tenantId}
              onChange={setTenantId}
              error={fieldError(errors, 'tenantId')}
            />
            <MultiSelect
              label="Roles"
              searchable
              data={(roles.data?.roles ?? []).map((r) => ({ value: r.key, label: r.name }))}
              value={roleKeys}
              onChange={setRoleKeys}
              error={fieldError(errors, 'roleKeys')}
            />
            <div>
              <Text size="sm" fw={500}>
                Sign-in methods
              </Text>
              <Group gap={4} mt={4}>
                {(['password', 'oneTimeCode', 'sso', 'sms'] as const).map((c) => (
                  <Badge key={c} variant="dot" color={user.capabilities[c] ? 'teal' : 'gray'}>
                    {c}
                    {user.capabilities[c] ? '' : ' (no)'}
                  </Badge>
                ))}
              </Group>
            </div>
            <Text size="xs" c="dimmed">
              Created {formatDate(user.createdAt)} · last sign-in {formatDate(user.lastSignInAt)}
              {user.externalId && ` · source id ${user.externalId}`}
              {user.migratedAt && ` · migrated ${formatDate(user.migratedAt)}`}
            </Text>
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack>
            <JsonEditor
              label="Profile"
              value={profile}
              onChange={setProfile}
              readOnly={!editable}
              error={parseErrors.profile ?? fieldError(errors, 'profile')}
            />
            <JsonEditor
              label="Metadata"
              value={metadata}
              onChange={setMetadata}
              readOnly={!editable}
              error={parseErrors.metadata ?? fieldError(errors, 'metadata')}
            />
          </Stack>
        </Paper>
      </SimpleGrid>
      <Group mt="md">
        <Button onClick={save} loading={updated.fetching}>
          Save user
        </Button>
      </Group>
    </>
  );
}

/** The tenants found, plus the user's own (so the select can show it whatever the search). */
function tenantOptions(found: { id: string; name: string }[], current: { id: string; name: string } | null | undefined) {
  const all = current && !found.some((t) => t.id === current.id) ? [current, ...found] : found;
  return all.map((t) => ({ value: t.id, label: t.name }));
}
