import { Badge, Button, Group, Modal, Paper, Stack, Switch, Table, Text, Textarea, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { AppClientsQuery, CreateAppClient, DeleteAppClient, RotateAppClientSecret, UpdateAppClient } from '../api/app-clients';
import { ConfirmButton, Empty, ErrorAlert, Loading, PageTitle } from '../components/common';
import { SecretOnce } from '../components/SecretOnce';
import { apiErrors, fieldError } from '../errors';
import type { AppClientFieldsFragment } from '../gql/graphql';

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

interface UriFields {
  redirectUris: string;
  postLogoutRedirectUris: string;
  corsOrigins: string;
}

function UriInputs({ value, onChange, errors }: { value: UriFields; onChange: (v: UriFields) => void; errors: ReturnType<typeof apiErrors> }) {
  return (
    <>
      <Textarea
        label="Redirect URIs (one a line, compared exactly)"
        required
        autosize
        minRows={2}
        value={value.redirectUris}
        onChange={(e) => onChange({ ...value, redirectUris: e.currentTarget.value })}
        error={fieldError(errors, 'redirectUris')}
      />
      <Textarea
        label="Post-logout redirect URIs"
        autosize
        minRows={1}
        value={value.postLogoutRedirectUris}
        onChange={(e) => onChange({ ...value, postLogoutRedirectUris: e.currentTarget.value })}
        error={fieldError(errors, 'postLogoutRedirectUris')}
      />
      <Textarea
        label="CORS origins (browser apps)"
        autosize
        minRows={1}
        value={value.corsOrigins}
        onChange={(e) => onChange({ ...value, corsOrigins: e.currentTarget.value })}
        error={fieldError(errors, 'corsOrigins')}
      />
    </>
  );
}

const EMPTY: UriFields = { redirectUris: '', postLogoutRedirectUris: '', corsOrigins: '' };
const SHOWN = ['name', 'public', 'redirectUris', 'postLogoutRedirectUris', 'corsOrigins'];

/** Apps that sign users in through Tributary's OpenID Provider: register, edit URIs, rotate the secret, delete. */
export function AppClientsPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: AppClientsQuery });
  const [created, createClient] = useMutation(CreateAppClient);
  const [rotated, rotateSecret] = useMutation(RotateAppClientSecret);
  const [deleted, deleteClient] = useMutation(DeleteAppClient);
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [uris, setUris] = useState<UriFields>(EMPTY);
  const [secret, setSecret] = useState<{ clientId: string; secret: string } | null>(null);
  const [editing, setEditing] = useState<AppClientFieldsFragment | null>(null);
  const errors = apiErrors(created.error);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  async function create() {
    const result = await createClient({
      input: {
        name: name.trim(),
        public: isPublic,
        redirectUris: lines(uris.redirectUris),
        postLogoutRedirectUris: lines(uris.postLogoutRedirectUris),
        corsOrigins: lines(uris.corsOrigins),
      },
    });
    const client = result.data?.createAppClient;
    if (!client) return;
    setName('');
    setUris(EMPTY);
    if (client.clientSecret) setSecret({ clientId: client.clientId, secret: client.clientSecret });
    reload();
  }

  return (
    <>
      <PageTitle>App clients</PageTitle>
      {secret && <SecretOnce title={`Client secret of ${secret.clientId}`} label="Client secret" secret={secret.secret} onDone={() => setSecret(null)} />}
      <Paper withBorder p="md" mb="md">
        <Title order={3} size="h4" mb="sm">
          New app client
        </Title>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
          noValidate
        >
          <ErrorAlert error={created.error} shown={SHOWN} />
          <Stack maw={640}>
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(errors, 'name')} />
            <Switch
              label="Public client (browser or mobile app: no secret, PKCE required)"
              checked={isPublic}
              onChange={(e) => setPublic(e.currentTarget.checked)}
            />
            <UriInputs value={uris} onChange={setUris} errors={errors} />
            <Group>
              <Button type="submit" loading={created.fetching}>
                Create app client
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <ErrorAlert error={error ?? rotated.error ?? deleted.error} />
      {fetching && !data ? (
        <Loading label="Loading app clients" />
      ) : !data?.appClients.length ? (
        <Empty>No app clients yet.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped aria-label="App clients">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Client id</Table.Th>
                <Table.Th>Redirect URIs</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.appClients.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    {c.name}{' '}
                    <Badge variant="light" color={c.public ? 'grape' : 'blue'}>
                      {c.public ? 'public' : 'confidential'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text ff="monospace" size="xs">
                      {c.clientId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{c.redirectUris.join(', ')}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(c)}>
                        Edit
                      </Button>
                      {!c.public && (
                        <ConfirmButton
                          label="Rotate secret"
                          title={`Rotate the secret of ${c.name}?`}
                          message="The old secret stops working at once; the new one is shown once."
                          onConfirm={async () => {
                            const result = await rotateSecret({ id: c.id });
                            const next = result.data?.rotateAppClientSecret;
                            if (next?.clientSecret) setSecret({ clientId: next.clientId, secret: next.clientSecret });
                          }}
                        />
                      )}
                      <ConfirmButton
                        label="Delete"
                        title={`Delete ${c.name}?`}
                        message="The app can no longer sign users in; its tokens stop working."
                        onConfirm={async () => {
                          const result = await deleteClient({ id: c.id });
                          if (!result.error) reload();
                        }}
                      />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && <EditAppClient client={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function EditAppClient({ client, onClose }: { client: AppClientFieldsFragment; onClose: () => void }) {
  const [updated, updateClient] = useMutation(UpdateAppClient);
  const [name, setName] = useState(client.name);
  const [uris, setUris] = useState<UriFields>({
    redirectUris: client.redirectUris.join('\n'),
    postLogoutRedirectUris: client.postLogoutRedirectUris.join('\n'),
    corsOrigins: client.corsOrigins.join('\n'),
  });
  const errors = apiErrors(updated.error);
  async function save() {
    const result = await updateClient({
      id: client.id,
      input: {
        name: name.trim(),
        redirectUris: lines(uris.redirectUris),
        postLogoutRedirectUris: lines(uris.postLogoutRedirectUris),
        corsOrigins: lines(uris.corsOrigins),
      },
    });
    if (!result.error) onClose();
  }
  return (
    <Modal opened onClose={onClose} title={`Edit ${client.name}`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <ErrorAlert error={updated.error} shown={SHOWN} />
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(errors, 'name')} />
          <UriInputs value={uris} onChange={setUris} errors={errors} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={updated.fetching}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
