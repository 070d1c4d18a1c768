import { BarChart, DonutChart, LineChart } from '@mantine/charts';
import { Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link, useLocation, useParams } from 'wouter';
import { CancelPoolJob, DeletePool, ImportUsers, PoolJobsQuery, PoolQuery, SyncUsers, TestPoolConnection } from '../api/pools';
import { ConfirmButton, Empty, ErrorAlert, formatDate, Loading, PageTitle, StatusBadge } from '../components/common';
import type { JobFieldsFragment, PoolQuery as PoolQueryResult } from '../gql/graphql';

const POLL_MS = 1500;
const ACTIVE = new Set(['QUEUED', 'RUNNING']);

/** One pool: health and connection test, migration figures, import and sync jobs (polled while one runs). */
export function PoolPage() {
  const { id } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const [{ data, fetching, error }, refetchPool] = useQuery({ query: PoolQuery, variables: { id } });
  const [jobs, refetchJobs] = useQuery({ query: PoolJobsQuery, variables: { poolId: id, first: 10 } });
  const [test, testConnection] = useMutation(TestPoolConnection);
  const [started, importUsers] = useMutation(ImportUsers);
  const [startedSync, syncUsers] = useMutation(SyncUsers);
  const [cancelled, cancelJob] = useMutation(CancelPoolJob);
  const [deleted, deletePool] = useMutation(DeletePool);
  const [dryRun, setDryRun] = useState(false);
  const running = (jobs.data?.poolJobs.nodes ?? []).some((job) => ACTIVE.has(job.status));

  // Live progress: while a job is queued or running, ask again every POLL_MS; the pool's figures follow it.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => refetchJobs({ requestPolicy: 'network-only' }), POLL_MS);
    return () => {
      clearInterval(timer);
      refetchPool({ requestPolicy: 'network-only' });
    };
  }, [running, refetchJobs, refetchPool]);

  if (fetching && !data) return <Loading label="Loading the pool" />;
  const pool = data?.userPool;
  if (!pool) return <ErrorAlert error={error} />;
  const stats = pool.stats;
  const startJob = async (kind: 'import' | 'sync') => {
    const result = kind === 'import' ? await importUsers({ input: { poolId: id, dryRun } }) : await syncUsers({ input: { poolId: id, dryRun } });
    if (!result.error) refetchJobs({ requestPolicy: 'network-only' });
  };

  return (
    <>
      <PageTitle
        actions={
          <>
            <Button component={Link} href={`/pools/${id}/edit`} variant="light">
              Edit
            </Button>
            <ConfirmButton
              label="Delete pool"
              title={`Delete ${pool.name}?`}
              message="The pool and its settings go away. This is refused while the pool owns users."
              loading={deleted.fetching}
              onConfirm={async () => {
                const result = await deletePool({ id });
                if (!result.error) navigate('/pools');
              }}
            />
          </>
        }
      >
        {pool.name}
      </PageTitle>
      <ErrorAlert error={error ?? deleted.error ?? started.error ?? startedSync.error ?? cancelled.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }} mb="md">
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="sm">
            Health
          </Title>
          <Stack gap="xs">
            <Group>
              <StatusBadge status={pool.health.status} />
              <Text size="sm">circuit {pool.health.circuit.replace('_', ' ').toLowerCase()}</Text>
            </Group>
            <Text size="sm">{pool.health.message ?? 'Not checked yet.'}</Text>
            <Text size="xs" c="dimmed">
              {pool.type} · {pool.source} · checked {formatDate(pool.health.checkedAt)}
            </Text>
            {pool.type !== 'NATIVE' && (
              <Group>
                <Button variant="light" onClick={() => testConnection({ id })} loading={test.fetching}>
                  Test connection
                </Button>
              </Group>
            )}
            {test.data && (
              <Alert
                color={test.data.testUserPoolConnection.ok ? 'green' : 'red'}
                role="status"
                title={test.data.testUserPoolConnection.ok ? 'Connected' : 'Connection failed'}
              >
                {test.data.testUserPoolConnection.message}
              </Alert>
            )}
            <ErrorAlert error={test.error} />
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="sm">
            Migration
          </Title>
          {stats.users === 0 ? (
            <Empty>No users from this pool yet.</Empty>
          ) : (
            <Group
              align="center"
              wrap="wrap"
              role="img"
              aria-label={`${stats.migrated} of ${stats.users} users migrated; ${stats.imported} imported; ${stats.signedInLast30Days} signed in during the last 30 days`}
            >
              <DonutChart
                size={140}
                thickness={24}
                withLabels={false}
                chartLabel={`${Math.round((stats.migrated / Math.max(stats.users, 1)) * 100)}% migrated`}
                data={[
                  { name: 'Migrated', value: stats.migrated, color: 'teal.6' },
                  { name: 'Not migrated', value: stats.notMigrated, color: 'gray.4' },
                ]}
              />
              <BarChart
                h={160}
                w={260}
                data={[
                  { figure: 'Users', value: stats.users },
                  { figure: 'Imported', value: stats.imported },
                  { figure: 'Signed in (30 d)', value: stats.signedInLast30Days },
                ]}
                dataKey="figure"
                series={[{ name: 'value', label: 'Users', color: 'blue.6' }]}
              />
            </Group>
          )}
          <Text size="xs" c="dimmed" mt="xs">
            {stats.users} users · {stats.migrated} migrated · {stats.notMigrated} not migrated · {stats.signedInLast30Days} signed in in 30 days · last import{' '}
            {formatDate(stats.lastImportAt)} · last sync {formatDate(stats.lastSyncAt)}
          </Text>
        </Paper>
      </SimpleGrid>
      <Activity days={pool.activity} />
      {pool.type === 'EXTERNAL' && (
        <Paper withBorder p="md">
          <Group justify="space-between" mb="sm" wrap="wrap">
            <Title order={3} size="h4">
              Import and sync jobs
            </Title>
            <Group>
              <Switch label="Dry run (report only)" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} />
              <Button onClick={() => startJob('import')} loading={started.fetching} disabled={running}>
                Import users
              </Button>
              <Button variant="light" onClick={() => startJob('sync')} loading={startedSync.fetching} disabled={running}>
                Sync users
              </Button>
            </Group>
          </Group>
          {jobs.fetching && !jobs.data ? (
            <Loading label="Loading jobs" />
          ) : !jobs.data?.poolJobs.nodes.length ? (
            <Empty>No imports or syncs yet.</Empty>
          ) : (
            <Stack>
              {jobs.data.poolJobs.nodes.map((job) => (
                <JobRow key={job.id} job={job} onCancel={() => cancelJob({ id: job.id })} />
              ))}
            </Stack>
          )}
        </Paper>
      )}
    </>
  );
}

type ActivityDay = NonNullable<PoolQueryResult['userPool']>['activity'][number];

/** Sign-ins through the pool and migrations out of it per UTC day; the table below says the same for screen readers and copying. */
function Activity({ days }: { days: ActivityDay[] }) {
  const signIns = days.reduce((sum, day) => sum + day.signIns, 0);
  const migrated = days.reduce((sum, day) => sum + day.migrated, 0);
  return (
    <Paper withBorder p="md" mb="md">
      <Title order={3} size="h4" mb="sm">
        Activity, last {days.length} days
      </Title>
      <div
        role="img"
        aria-label={`Over the last ${days.length} days: ${signIns} sign-ins through this pool, ${migrated} users migrated (daily figures in the table below)`}
      >
        <LineChart
          h={200}
          data={days.map((day) => ({ ...day, label: day.day.slice(5) }))}
          dataKey="label"
          curveType="linear"
          withDots={false}
          series={[
            { name: 'signIns', label: 'Sign-ins', color: 'blue.6' },
            { name: 'migrated', label: 'Migrated', color: 'teal.6' },
          ]}
          withLegend
        />
      </div>
      <details>
        <summary>Daily figures</summary>
        <Table.ScrollContainer minWidth={300}>
          <Table mt="xs" aria-label="Activity per day">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Day (UTC)</Table.Th>
                <Table.Th>Sign-ins</Table.Th>
                <Table.Th>Migrated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {days.map((day) => (
                <Table.Tr key={day.day}>
                  <Table.Td>{day.day}</Table.Td>
                  <Table.Td>{day.signIns}</Table.Td>
                  <Table.Td>{day.migrated}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </details>
    </Paper>
  );
}

function JobRow({ job, onCancel }: { job: JobFieldsFragment; onCancel: () => void }) {
  const p = job.progress;
  return (
    <Paper withBorder p="sm" data-testid="pool-job">
      <Group justify="space-between" wrap="wrap">
        <Group>
          <Text fw={600}>
            {job.kind.toLowerCase()}
            {job.dryRun ? ' (dry run)' : ''}
          </Text>
          <StatusBadge status={job.status} />
          <Text size="xs" c="dimmed">
            {formatDate(job.createdAt)}
          </Text>
        </Group>
        {ACTIVE.has(job.status) && (
          <Button size="xs" color="red" variant="light" onClick={onCancel}>
            Cancel job
          </Button>
        )}
      </Group>
      <Table.ScrollContainer minWidth={500}>
        <Table mt="xs" withTableBorder={false} aria-label="Job progress">
          <Table.Thead>
            <Table.Tr>
              {['Seen', 'Created', 'Updated', 'Unchanged', 'Disabled', 'Deleted', 'Conflicts', 'Failed'].map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              {[p.seen, p.created, p.updated, p.unchanged, p.disabled, p.deleted, p.conflicts, p.failed].map((n, i) => (
                <Table.Td key={i}>{n}</Table.Td>
              ))}
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {job.error && (
        <Text c="red.9" size="sm">
          {job.error}
        </Text>
      )}
      {Object.keys(job.report).length > 0 && (
        <details>
          <summary>{job.dryRun ? 'What the job would do' : 'Report'}</summary>
          <Code block tabIndex={0}>
            {JSON.stringify(job.report, null, 2)}
          </Code>
        </details>
      )}
    </Paper>
  );
}
