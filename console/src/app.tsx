// The console's shell: sign-in with an access key (kept in sessionStorage only), the navigation,
// and the page the hash route names.
import { useMemo, useState } from 'preact/hooks';
import { Client, saveCredentials, savedCredentials } from './api/client';
import { api } from './api/gust-api';
import type { Credentials } from './api/sigv4';
import { FunctionPage } from './pages/function-page';
import { FunctionsPage } from './pages/functions-page';
import { SignIn } from './pages/sign-in';
import { UsagePage } from './pages/usage-page';
import { href, useRoute } from './router';

export function App() {
  const [creds, setCreds] = useState<Credentials | undefined>(savedCredentials);
  const client = useMemo(() => (creds ? api(new Client(creds)) : undefined), [creds]);
  const route = useRoute();
  if (!client || !creds) {
    return (
      <SignIn
        onSignedIn={(c) => {
          saveCredentials(c);
          setCreds(c);
        }}
      />
    );
  }
  const signOut = () => {
    saveCredentials(undefined);
    setCreds(undefined);
  };
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href.functions()}>
          <span class="logo" aria-hidden="true" />
          Gust
        </a>
        <nav class="mainnav">
          <a href={href.functions()} class={route.page !== 'usage' ? 'active' : ''}>
            Functions
          </a>
          <a href={href.usage()} class={route.page === 'usage' ? 'active' : ''} data-testid="nav-usage">
            Usage &amp; cost
          </a>
        </nav>
        <div class="who">
          <code title="Signed in with this access key">{creds.accessKeyId}</code>
          <button class="ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main class="content">
        {route.page === 'functions' && <FunctionsPage api={client} />}
        {route.page === 'function' && <FunctionPage api={client} name={route.name} tab={route.tab} />}
        {route.page === 'usage' && <UsagePage api={client} />}
      </main>
    </div>
  );
}
