import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { Router } from 'wouter';
import { App } from './App';
import { useAdminKey } from './auth';
import { createClient } from './client';
import { SignInPage } from './pages/SignInPage';
import { cssVariables, theme } from './theme';

function Root() {
  const key = useAdminKey();
  // A fresh client per key: nothing cached under one key is shown under another.
  const client = useMemo(() => createClient(), [key]);
  if (!key) return <SignInPage />;
  return (
    <Provider value={client}>
      <App />
    </Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider defaultColorScheme="light" theme={theme} cssVariablesResolver={cssVariables}>
      <Router base="/admin">
        <Root />
      </Router>
    </MantineProvider>
  </StrictMode>,
);
