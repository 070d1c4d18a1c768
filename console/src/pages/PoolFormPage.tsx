import { Button, Divider, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link, useLocation, useParams } from 'wouter';
import { CreatePool, PoolQuery, PoolSourcesQuery, UpdatePool } from '../api/pools';
import { ConfigForm, configForForm, configForSave, jsonFieldsOf } from '../components/ConfigForm';
import { ErrorAlert, Loading, PageTitle } from '../components/common';
import { apiErrors, fieldError } from '../errors';
import type { PoolType, SourceDeletion, TenantResolutionMode } from '../gql/graphql';

interface Settings {
  jitMigration: boolean;
  syncUserAttributes: boolean;
  linkExistingUsers: boolean;
  writeBack: boolean;
  reloadClaimsOnRefresh: boolean;
  timeoutMs: number;
  intervalMinutes: number;
  onSourceDeletion: SourceDeletion;
  mode: TenantResolutionMode;
  tenantId: string;
}

const DEFAULTS: Settings = {
  jitMigration: false,
  syncUserAttributes: false,
  linkExistingUsers: false,
  writeBack: false,
  reloadClaimsOnRefresh: true,
  timeoutMs: 5000,
  intervalMinutes: 0,
  onSourceDeletion: 'DISABLE',
  mode: 'AUTO_CREATE',
  tenantId: '',
};

const TYPES: { value: PoolType; label: string }[] = [
  { value: 'EXTERNAL', label: 'External (the source checks passwords)' },
  { value: 'IDP_FEDERATION', label: 'IdP federation (users sign in at the IdP)' },
  { value: 'NATIVE', label: 'Native (users stored here)' },
];

/** Create or edit a pool: name, type, source, its config form (from the source's JSON Schema) and the settings. */
export function PoolFormPage() {
  const params = useParams<{ id?: string }>();
  const editing = Boolean(params.id);
  const [, navigate] = useLocation();
  const [sources] = useQuery({ query: PoolSourcesQuery });
  const [existing] = useQuery({ query: PoolQuery, variables: { id: params.id ?? '' }, pause: !editing });
  const [created, createPool] = useMutation(CreatePool);
  const [updated, updatePool] = useMutation(UpdatePool);

  const [name, setName] = useState('');
  const [type, setType] = useState<PoolType>('EXTERNAL');
  const [source, setSource] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(true);
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const [settings, setSettings] = useState<Settings>(DEFAULTS);
  /** Config fields whose JSON text does not parse: shown in place, and the pool is not sent. */
  const [jsonErrors, setJsonErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setSettings((s) => ({ ...s, [key]: value }));

  const pool = existing.data?.userPool;
  const sourceList = sources.data?.poolSources ?? [];
  // A NATIVE pool's config form comes from poolSources' built-in `native` entry.
  const chosen = sourceList.find((s) => s.key === (pool?.source ?? (type === 'NATIVE' ? 'native' : source)));
  const jsonFields = useMemo(() => (chosen ? jsonFieldsOf(chosen.configSchema) : []), [chosen]);
  useEffect(() => {
    if (!pool) return;
    setName(pool.name);
    setType(pool.type);
    setSource(pool.source);
    setEnabled(pool.enabled);
    const s = pool.settings;
    setSettings({
      jitMigration: s.jitMigration,
      syncUserAttributes: s.syncUserAttributes,
      linkExistingUsers: s.linkExistingUsers,
      writeBack: s.writeBack,
      reloadClaimsOnRefresh: s.reloadClaimsOnRefresh,
      timeoutMs: s.timeoutMs,
      intervalMinutes: s.sync.intervalMinutes,
      onSourceDeletion: s.sync.onSourceDeletion,
      mode: s.tenantResolution.mode,
      tenantId: s.tenantResolution.tenantId ?? '',
    });
  }, [pool]);
  useEffect(() => {
    if (pool && chosen) setConfig(configForForm(pool.config, chosen.secretFields, jsonFields));
  }, [pool, chosen, jsonFields]);

  const error = editing ? updated.error : created.error;
  const errors = apiErrors(error);
  const configErrors = useMemo(
    () =>
      Object.fromEntries(
        Object.entries(errors.fields)
          .filter(([field]) => field.startsWith('input.config.'))
          .map(([field, message]) => [field.slice('input.config.'.length), message.replace(/^[\w.]+: /, '')])
          .concat(Object.entries(jsonErrors)),
      ),
    [errors.fields, jsonErrors],
  );
  const err = (...names: string[]) => fieldError(errors, ...names)?.replace(/^[\w.]+: /, '');

  if (editing && existing.fetching && !pool) return <Loading label="Loading the pool" />;
  if (sources.fetching && !sources.data) return <Loading label="Loading sources" />;

  const typeSources = sourceList.filter((s) => s.type === type);
  async function save() {
    const saved = chosen ? configForSave(config, chosen.secretFields, jsonFields) : undefined;
    setJsonErrors(saved?.errors ?? {});
    if (saved && Object.keys(saved.errors).length > 0) return;
    const input = {
      name,
      enabled,
      config: saved?.config,
      settings: {
        jitMigration: settings.jitMigration,
        syncUserAttributes: settings.syncUserAttributes,
        timeoutMs: settings.timeoutMs,
        reloadClaimsOnRefresh: settings.reloadClaimsOnRefresh,
        ...(type === 'IDP_FEDERATION' ? { linkExistingUsers: settings.linkExistingUsers } : {}),
        ...(type === 'EXTERNAL' ? { writeBack: settings.writeBack } : {}),
        sync: { intervalMinutes: settings.intervalMinutes, onSourceDeletion: settings.onSourceDeletion },
        tenantResolution: { mode: settings.mode, tenantId: settings.mode === 'PREDEFINED' ? settings.tenantId : null },
      },
    };
    const result = editing
      ? await updatePool({ id: params.id!, input })
      : await createPool({ input: { ...input, type, source: type === 'NATIVE' ? undefined : (source ?? undefined) } });
    const id = result.data && ('updateUserPool' in result.data ? result.data.updateUserPool.id : result.data.createUserPool.id);
    if (id) navigate(`/pools/${id}`);
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      noValidate
    >
      <PageTitle>{editing ? `Edit ${pool?.name ?? 'pool'}` : 'New pool'}</PageTitle>
      <ErrorAlert
        error={error}
        shown={[
          'name',
          'type',
          'source',
          'config',
          'jitMigration',
          'syncUserAttributes',
          'linkExistingUsers',
          'writeBack',
          'reloadClaimsOnRefresh',
          'timeoutMs',
          'intervalMinutes',
          'tenantId',
          ...Object.keys(configErrors).map((k) => `config.${k}`),
        ]}
      />
      <Stack maw={760}>
        <Paper withBorder p="md">
          <Stack>
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={err('name')} />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label="Type"
                data={TYPES}
                value={type}
                onChange={(value) => {
                  setType((value ?? 'EXTERNAL') as PoolType);
                  setSource(null);
                  setConfig({});
                  setJsonErrors({});
                }}
                disabled={editing}
                allowDeselect={false}
                error={err('type')}
              />
              {type !== 'NATIVE' && (
                <Select
                  label="Source"
                  placeholder={typeSources.length ? 'Pick a source plugin' : 'No plugin of this type is installed'}
                  data={typeSources.map((s) => ({ value: s.key, label: `${s.displayName} (${s.key})` }))}
                  value={pool?.source ?? source}
                  onChange={(value) => {
                    setSource(value);
                    setConfig({});
                  }}
                  disabled={editing}
                  error={err('source')}
                />
              )}
            </SimpleGrid>
            <Switch label="Enabled (sign-in uses this pool)" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          </Stack>
        </Paper>
        {chosen && (
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="xs">
              {chosen.displayName} configuration
            </Title>
            {chosen.secretFields.length > 0 && (
              <Text size="sm" c="dimmed" mb="sm">
                Secret fields ({chosen.secretFields.join(', ')}) are write-only: they are never shown again.
                {editing && chosen.destinationFields.length > 0 && ` Changing ${chosen.destinationFields.join(' or ')} requires sending every secret again.`}
              </Text>
            )}
            {errors.fields['input.config'] && (
              <Text c="red.9" size="sm" role="alert">
                {errors.fields['input.config']}
              </Text>
            )}
            <ConfigForm
              schema={chosen.configSchema}
              secretFields={chosen.secretFields}
              editing={editing}
              value={config}
              onChange={setConfig}
              errors={configErrors}
            />
          </Paper>
        )}
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="sm">
            Settings
          </Title>
          <Stack>
            {type !== 'IDP_FEDERATION' && type !== 'NATIVE' && (
              <Switch
                label="Just-in-time migration: a user who signs in is moved here (irreversible per user)"
                checked={settings.jitMigration}
                onChange={(e) => set('jitMigration', e.currentTarget.checked)}
                error={err('jitMigration')}
              />
            )}
            <Switch
              label="Sync user attributes from the source at each sign-in (profile becomes read-only here)"
              checked={settings.syncUserAttributes}
              onChange={(e) => set('syncUserAttributes', e.currentTarget.checked)}
              error={err('syncUserAttributes')}
            />
            {type === 'IDP_FEDERATION' && (
              <Switch
                label="Link an IdP identity to an existing user with the same verified email"
                checked={settings.linkExistingUsers}
                onChange={(e) => set('linkExistingUsers', e.currentTarget.checked)}
                error={err('linkExistingUsers')}
              />
            )}
            {type === 'EXTERNAL' && (
              <Switch
                label="Write back: admin changes to this pool's users go to the source too"
                checked={settings.writeBack}
                onChange={(e) => set('writeBack', e.currentTarget.checked)}
                error={err('writeBack')}
              />
            )}
            <Switch
              label="A token refresh re-reads the user's roles, tenant and profile (off: refreshed tokens keep the sign-in's claims)"
              checked={settings.reloadClaimsOnRefresh}
              onChange={(e) => set('reloadClaimsOnRefresh', e.currentTarget.checked)}
              error={err('reloadClaimsOnRefresh')}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NumberInput
                label="Source timeout (ms)"
                min={100}
                value={settings.timeoutMs}
                onChange={(v) => set('timeoutMs', Number(v) || 0)}
                error={err('timeoutMs')}
              />
              {type === 'EXTERNAL' && (
                <NumberInput
                  label="Sync interval (minutes, 0: none)"
                  min={0}
                  value={settings.intervalMinutes}
                  onChange={(v) => set('intervalMinutes', Number(v) || 0)}
                  error={err('intervalMinutes')}
                />
              )}
              {type === 'EXTERNAL' && (
                <Select
                  label="When the source no longer has a user"
                  data={[
                    { value: 'DISABLE', label: 'Disable them' },
                    { value: 'DELETE', label: 'Delete them' },
                    { value: 'KEEP', label: 'Keep them' },
                  ]}
                  value={settings.onSourceDeletion}
                  onChange={(v) => set('onSourceDeletion', (v ?? 'DISABLE') as SourceDeletion)}
                  allowDeselect={false}
                />
              )}
              <Select
                label="Tenant of new users"
                data={[
                  { value: 'AUTO_CREATE', label: 'A new tenant per user' },
                  { value: 'FROM_ATTRIBUTE', label: 'From a source attribute' },
                  { value: 'PREDEFINED', label: 'One given tenant' },
                ]}
                value={settings.mode}
                onChange={(v) => set('mode', (v ?? 'AUTO_CREATE') as TenantResolutionMode)}
                allowDeselect={false}
              />
              {settings.mode === 'PREDEFINED' && (
                <TextInput
                  label="Tenant id"
                  required
                  value={settings.tenantId}
                  onChange={(e) => set('tenantId', e.currentTarget.value)}
                  error={err('tenantId')}
                />
              )}
            </SimpleGrid>
          </Stack>
        </Paper>
        <Divider />
        <Group>
          <Button type="submit" loading={created.fetching || updated.fetching} disabled={!editing && type !== 'NATIVE' && !source}>
            {editing ? 'Save pool' : 'Create pool'}
          </Button>
          <Button variant="default" component={Link} href={editing ? `/pools/${params.id}` : '/pools'}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
