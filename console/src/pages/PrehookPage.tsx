import { javascript } from '@codemirror/lang-javascript';
import { Alert, Badge, Button, Code, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import CodeMirror, { Decoration, EditorView } from '@uiw/react-codemirror';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useLocation, useParams } from 'wouter';
import { DeletePrehook, PrehookRunsQuery, PrehooksQuery, TestPrehook, UpdatePrehook } from '../api/prehooks';
import { ConfirmButton, Empty, ErrorAlert, formatDate, Loading, PageTitle } from '../components/common';
import { JsonEditor, parseObject } from '../components/JsonEditor';
import { apiErrors, fieldError } from '../errors';
import type { FailurePolicy, RunFieldsFragment } from '../gql/graphql';
import { EVENT_TYPES, SAMPLE_PAYLOADS, USER_SNAPSHOT_TYPE } from '../prehook-events';

const ERROR_LINE = Decoration.line({ attributes: { style: 'background-color: #ffe3e3' } });

/** One prehook: its code (checked on save, a syntax error named by line), a test run on a sample, the run log. */
export function PrehookPage() {
  const { id } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const [{ data, fetching, error }] = useQuery({ query: PrehooksQuery });
  const [runs, refetchRuns] = useQuery({ query: PrehookRunsQuery, variables: { prehookId: id } });
  const [updated, updatePrehook] = useMutation(UpdatePrehook);
  const [tested, testPrehook] = useMutation(TestPrehook);
  const [deleted, deletePrehook] = useMutation(DeletePrehook);
  const prehook = data?.prehooks.find((p) => p.id === id);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [enabled, setEnabled] = useState(false);
  const [failurePolicy, setFailurePolicy] = useState<FailurePolicy>('DENY');
  const [timeoutMs, setTimeoutMs] = useState(1000);
  const [payload, setPayload] = useState('{}');
  const [payloadError, setPayloadError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const errorLine = Number(/\(line (\d+)\)/.exec(apiErrors(updated.error).fields['input.code'] ?? '')?.[1]) || null;
  const codeExtensions = useMemo(
    () => [
      javascript(),
      EditorView.contentAttributes.of({ 'aria-label': 'Code', 'aria-describedby': 'code-label code-error', tabindex: '0' }),
      // The line a syntax error names, marked in the editor until the next save.
      EditorView.decorations.compute(['doc'], (state) =>
        errorLine && errorLine <= state.doc.lines ? Decoration.set([ERROR_LINE.range(state.doc.line(errorLine).from)]) : Decoration.none,
      ),
    ],
    [errorLine],
  );

  useEffect(() => {
    if (!prehook) return;
    setCode(prehook.code);
    setName(prehook.name);
    setEnabled(prehook.enabled);
    setFailurePolicy(prehook.failurePolicy);
    setTimeoutMs(prehook.timeoutMs);
    setPayload(JSON.stringify(SAMPLE_PAYLOADS[prehook.event], null, 2));
  }, [prehook]);

  if (fetching && !data) return <Loading label="Loading the prehook" />;
  if (!prehook) return error ? <ErrorAlert error={error} /> : <Alert color="yellow">No such prehook.</Alert>;
  const errors = apiErrors(updated.error);
  const codeError = fieldError(errors, 'code')?.replace(/^input\.code: /, '');
  const types = EVENT_TYPES[prehook.event];

  async function save() {
    setSaved(false);
    const result = await updatePrehook({ id, input: { code, name: name.trim(), enabled, failurePolicy, timeoutMs } });
    if (!result.error) setSaved(true);
  }
  async function runTest() {
    const parsed = parseObject(payload);
    setPayloadError('error' in parsed ? parsed.error : undefined);
    if (!('value' in parsed)) return;
    const result = await testPrehook({ id, payload: parsed.value });
    if (!result.error) refetchRuns({ requestPolicy: 'network-only' });
  }
  const run = tested.data?.testPrehook;

  return (
    <>
      <PageTitle
        actions={
          <ConfirmButton
            label="Delete prehook"
            title={`Delete ${prehook.name}?`}
            message="The script and its run log go away; the event runs without it."
            loading={deleted.fetching}
            onConfirm={async () => {
              const result = await deletePrehook({ id });
              if (!result.error) navigate('/prehooks');
            }}
          />
        }
      >
        {prehook.name} <Badge variant="light">{prehook.event}</Badge>
      </PageTitle>
      <ErrorAlert error={updated.error ?? deleted.error} shown={['code', 'name', 'timeoutMs', 'failurePolicy']} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Stack>
          <Paper withBorder p="md">
            <Stack>
              <div>
                <Text size="sm" fw={500} mb={4} id="code-label">
                  Code (an ES module whose default export is an async function of the event)
                </Text>
                <CodeMirror
                  value={code}
                  onChange={(value) => {
                    setCode(value);
                    setSaved(false);
                  }}
                  extensions={codeExtensions}
                  minHeight="240px"
                  maxHeight="520px"
                  style={{ border: `1px solid var(--mantine-color-${codeError ? 'red-6' : 'gray-4'})`, borderRadius: 4 }}
                  data-testid="prehook-code"
                />
                {codeError && (
                  <Text c="red.9" size="sm" mt={4} role="alert" id="code-error" data-testid="code-error">
                    {codeError}
                  </Text>
                )}
              </div>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(errors, 'name')} />
                <Select
                  label="On a crash or timeout"
                  data={[
                    { value: 'DENY', label: 'Deny the operation' },
                    { value: 'CONTINUE', label: 'Continue without it' },
                  ]}
                  value={failurePolicy}
                  onChange={(v) => setFailurePolicy((v ?? 'DENY') as FailurePolicy)}
                  allowDeselect={false}
                />
                <NumberInput
                  label="Timeout (ms)"
                  min={1}
                  value={timeoutMs}
                  onChange={(v) => setTimeoutMs(Number(v) || 0)}
                  error={fieldError(errors, 'timeoutMs')}
                />
              </SimpleGrid>
              <Switch label="Enabled (runs on real events)" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
              <Group>
                <Button onClick={save} loading={updated.fetching}>
                  Save prehook
                </Button>
                {saved && (
                  <Text c="teal.9" size="sm" role="status">
                    Saved.
                  </Text>
                )}
              </Group>
            </Stack>
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="xs">
              What {prehook.event} receives and may answer
            </Title>
            <Code block tabIndex={0}>{`payload: ${types.payload}\n\nresult: ${types.result}\n\n${USER_SNAPSHOT_TYPE}`}</Code>
          </Paper>
        </Stack>
        <Stack>
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="xs">
              Test run
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              Runs the saved code (enabled or not) on this sample; nothing changes but the run log.
            </Text>
            <JsonEditor label="Sample payload" value={payload} onChange={setPayload} error={payloadError} />
            <Button mt="sm" onClick={runTest} loading={tested.fetching} variant="light">
              Run test
            </Button>
            <ErrorAlert error={tested.error} />
            {run && (
              <Stack mt="sm" gap="xs" data-testid="test-result">
                <Group>
                  <Badge color={run.ok ? 'green' : 'red'} autoContrast>
                    {run.ok ? 'ok' : (run.errorKind ?? 'failed')}
                  </Badge>
                  <Text size="sm">{run.durationMs.toFixed(1)} ms</Text>
                </Group>
                {run.error && (
                  <Text c="red.9" size="sm">
                    {run.errorLine ? `Line ${run.errorLine}: ` : ''}
                    {run.error}
                  </Text>
                )}
                <Text size="sm" fw={500}>
                  Result
                </Text>
                <Code block tabIndex={0}>
                  {JSON.stringify(run.result, null, 2)}
                </Code>
                <RunLog run={run} />
              </Stack>
            )}
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="xs">
              Run log
            </Title>
            {runs.fetching && !runs.data ? (
              <Loading label="Loading runs" />
            ) : !runs.data?.prehookRuns.length ? (
              <Empty>No runs yet.</Empty>
            ) : (
              <Table.ScrollContainer minWidth={420}>
                <Table aria-label="Recent runs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>When</Table.Th>
                      <Table.Th>Outcome</Table.Th>
                      <Table.Th>Duration</Table.Th>
                      <Table.Th>Log</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {runs.data.prehookRuns.map((r) => (
                      <Table.Tr key={r.id}>
                        <Table.Td>
                          {formatDate(r.createdAt)}
                          {r.test ? ' (test)' : ''}
                        </Table.Td>
                        <Table.Td>{r.ok ? 'ok' : `${r.errorKind ?? 'failed'}${r.errorLine ? ` at line ${r.errorLine}` : ''}`}</Table.Td>
                        <Table.Td>{r.durationMs.toFixed(1)} ms</Table.Td>
                        <Table.Td>{logLines(r).length} lines</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
        </Stack>
      </SimpleGrid>
    </>
  );
}

interface LogLine {
  level?: string;
  message?: string;
  atMs?: number;
}

function logLines(run: RunFieldsFragment): LogLine[] {
  return Array.isArray(run.log) ? (run.log as LogLine[]) : [];
}

function RunLog({ run }: { run: RunFieldsFragment }) {
  const lines = logLines(run);
  return (
    <>
      <Text size="sm" fw={500}>
        Log{run.logTruncated ? ' (truncated)' : ''}
      </Text>
      {lines.length ? (
        <Code block tabIndex={0} data-testid="test-log">
          {lines.map((l) => `${(l.atMs ?? 0).toFixed(0).padStart(5)} ms ${l.level ?? 'log'}: ${l.message ?? ''}`).join('\n')}
        </Code>
      ) : (
        <Text size="sm" c="dimmed">
          Nothing logged.
        </Text>
      )}
    </>
  );
}
