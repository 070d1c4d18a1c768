import { AppShell, Burger, Button, Group, NavLink, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { signOut } from './auth';
import { AdminKeysPage } from './pages/AdminKeysPage';
import { AppClientsPage } from './pages/AppClientsPage';
import { AuditPage } from './pages/AuditPage';
import { PoolsPage } from './pages/PoolsPage';
import { PrehooksPage } from './pages/PrehooksPage';
import { RolesPage } from './pages/RolesPage';
import { TenantsPage } from './pages/TenantsPage';
import { UsersPage } from './pages/UsersPage';
import { Loading } from './components/common';

// The heavy screens load on first visit: the config form (rjsf, ajv), the code editors, the charts.
const PoolFormPage = lazy(() => import('./pages/PoolFormPage').then((m) => ({ default: m.PoolFormPage })));
const PoolPage = lazy(() => import('./pages/PoolPage').then((m) => ({ default: m.PoolPage })));
const PrehookPage = lazy(() => import('./pages/PrehookPage').then((m) => ({ default: m.PrehookPage })));
const UserPage = lazy(() => import('./pages/UserPage').then((m) => ({ default: m.UserPage })));

const NAV = [
  { href: '/pools', label: 'Pools' },
  { href: '/users', label: 'Users' },
  { href: '/tenants', label: 'Tenants' },
  { href: '/roles', label: 'Roles' },
  { href: '/prehooks', label: 'Prehooks' },
  { href: '/app-clients', label: 'App clients' },
  { href: '/admin-keys', label: 'Admin keys' },
  { href: '/audit', label: 'Audit log' },
];

export function App() {
  const [opened, { toggle, close }] = useDisclosure();
  const [location] = useLocation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4">
              Tributary admin
            </Title>
          </Group>
          <Button variant="subtle" onClick={() => signOut()}>
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Sections">
        <nav>
          {NAV.map((item) => (
            <NavLink
              key={item.href}
              component={Link}
              href={item.href}
              label={item.label}
              active={location === item.href || location.startsWith(`${item.href}/`)}
              aria-current={location === item.href ? 'page' : undefined}
              onClick={close}
              variant="filled"
            />
          ))}
        </nav>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path="/pools" component={PoolsPage} />
            <Route path="/pools/new" component={PoolFormPage} />
            <Route path="/pools/:id/edit" component={PoolFormPage} />
            <Route path="/pools/:id" component={PoolPage} />
            <Route path="/users" component={UsersPage} />
            <Route path="/users/:id" component={UserPage} />
            <Route path="/tenants" component={TenantsPage} />
            <Route path="/roles" component={RolesPage} />
            <Route path="/prehooks" component={PrehooksPage} />
            <Route path="/prehooks/:id" component={PrehookPage} />
            <Route path="/app-clients" component={AppClientsPage} />
            <Route path="/admin-keys" component={AdminKeysPage} />
            <Route path="/audit" component={AuditPage} />
            <Route>
              <Redirect to="/pools" replace />
            </Route>
          </Switch>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
